import type { OrganizationKind, OrganizationStatus, PseTier, UserStatus } from './api';
import { strings } from './strings';

/** How values from the API read on screen, in the portal's language. */

// The office keeps its calendar in UTC (src/features/office/positions.ts, dayOf) until offices set a zone.
const dateTime = new Intl.DateTimeFormat(strings.locale, {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'UTC',
});
const day = new Intl.DateTimeFormat(strings.locale, { dateStyle: 'long', timeZone: 'UTC' });

/** An instant, as a date and time in UTC. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return strings.never;
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${dateTime.format(time)} ${strings.utc}`;
}

/** A calendar day given as YYYY-MM-DD. */
export function formatDay(isoDay: string): string {
  const time = new Date(`${isoDay}T00:00:00Z`);
  return Number.isNaN(time.getTime()) ? isoDay : day.format(time);
}

/** Today in the office's calendar, as YYYY-MM-DD. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The day after a YYYY-MM-DD day, for filters whose upper end the server takes as exclusive. */
export function dayAfter(isoDay: string): string {
  const time = new Date(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(time.getTime())) return isoDay;
  time.setUTCDate(time.getUTCDate() + 1);
  return time.toISOString().slice(0, 10);
}

export function roleName(role: string): string {
  return strings.roles[role] ?? role;
}

export function kindName(kind: OrganizationKind): string {
  return strings.organizationKinds[kind];
}

export function tierName(tier: PseTier | null): string {
  return tier ? strings.pseTiers[tier] : strings.none;
}

export function organizationStatusName(status: OrganizationStatus): string {
  return strings.organizationStatuses[status];
}

export function userStatusName(status: UserStatus): string {
  return strings.userStatuses[status];
}

/** A TOTP secret in groups of four, easier to copy into an app by hand. */
export function groupInFours(secret: string): string {
  return (
    secret
      .replace(/\s+/g, '')
      .match(/.{1,4}/g)
      ?.join(' ') ?? secret
  );
}
