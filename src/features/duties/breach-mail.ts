import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/schema.js';
import { holdersOf } from '../accreditation/recipients.js';
import type { Role } from '../identity/roles.js';
import { dayOf } from '../office/positions.js';
import { enqueueEmail } from '../outbox/service.js';
import type { ObligationSet, Severity } from './model.js';

/**
 * E-mail about breaches of duty just opened, queued in the transaction that opened them: each
 * organization is told of its own, and the Cloud Office's incident managers of what a check run
 * found. One message per organization and one to each manager however many breaches there are,
 * since a first run on a large office opens thousands; each lists the first few and links the rest.
 */

export interface OpenedBreach {
  id: string;
  organizationId: string;
  dutyCode: string;
  severity: Severity;
  evidence: string;
}

/** Who hears of an organization's breaches: its administrators and security officers. */
const BREACH_RECIPIENT_ROLES: readonly string[] = [
  'csp_admin',
  'csp_security_officer',
  'pse_admin',
] satisfies readonly Role[];

/** How many breaches one message lists before it links to the rest. */
const LISTED = 20;

export interface BreachMailContext {
  clock: Clock;
  /** The portal's public address, for links (`config.http.publicUrl`). */
  publicUrl: string;
}

/**
 * One e-mail per organization with breaches in `opened`, to its administrators and security
 * officers (every active user where it has none), listing them with the duty broken.
 */
export async function tellOrganizations(
  ctx: BreachMailContext,
  trx: Kysely<Database>,
  opened: readonly OpenedBreach[],
  obligations: ObligationSet,
): Promise<void> {
  const byOrganization = groupBy(opened, (b) => b.organizationId);
  if (byOrganization.size === 0) return;
  const users = await trx
    .selectFrom('users')
    .select(['organization_id', 'email', 'role'])
    .where('organization_id', 'in', [...byOrganization.keys()])
    .where('status', '=', 'active')
    .orderBy('email')
    .execute();
  const dutyText = new Map(obligations.duties.map((d) => [d.code, d.text]));
  for (const [organizationId, breaches] of byOrganization) {
    const people = users.filter((u) => u.organization_id === organizationId);
    const chosen = people.filter((u) => BREACH_RECIPIENT_ROLES.includes(u.role));
    const recipients = (chosen.length > 0 ? chosen : people).map((u) => u.email);
    if (recipients.length === 0) continue;
    const count = breaches.length;
    const listed = breaches.slice(0, LISTED).map((b) => {
      const duty = dutyText.get(b.dutyCode) ?? b.dutyCode;
      return `- ${b.severity}: ${duty}\n  ${b.evidence}\n  ${ctx.publicUrl}/breaches/${b.id}`;
    });
    const rest =
      count > LISTED
        ? `\n\n${String(count - LISTED)} more are listed at ${ctx.publicUrl}/breaches`
        : '';
    const text =
      `The Cloud Office recorded ${count === 1 ? 'a breach' : `${String(count)} breaches`} of duty by your organization:\n\n` +
      `${listed.join('\n\n')}${rest}\n\n` +
      'A breach stays open until the Cloud Office is satisfied it was remedied. Reply to the Cloud Office with what you have done, or follow its requests and response actions in the portal.\n';
    const subject = `Cloud Office: ${count === 1 ? 'a breach' : `${String(count)} breaches`} of duty recorded`;
    for (const to of recipients) await enqueueEmail(trx, { to, subject, text }, ctx.clock);
  }
}

/**
 * One e-mail to each officer who manages incidents today, when a duty check opened breaches:
 * how many, by organization and duty, with a link to the list.
 */
export async function tellOffice(
  ctx: BreachMailContext,
  trx: Kysely<Database>,
  opened: readonly OpenedBreach[],
): Promise<void> {
  if (opened.length === 0) return;
  const recipients = await holdersOf(trx, 'manage_incidents', dayOf(ctx.clock.now()));
  if (recipients.length === 0) return;
  const names = new Map(
    (
      await trx
        .selectFrom('organizations')
        .select(['id', 'name'])
        .where('id', 'in', [...new Set(opened.map((b) => b.organizationId))])
        .execute()
    ).map((o) => [o.id, o.name]),
  );
  const lines = [...groupBy(opened, (b) => `${b.organizationId} ${b.dutyCode}`).values()]
    .map((group) => {
      const first = group[0] as OpenedBreach;
      const name = names.get(first.organizationId) ?? first.organizationId;
      return { name, duty: first.dutyCode, count: group.length };
    })
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .map((line) => `- ${line.name}: ${String(line.count)} × ${line.duty}`);
  const shown = lines.slice(0, LISTED);
  const more = lines.length > LISTED ? `\n- and ${String(lines.length - LISTED)} more lines` : '';
  const count = opened.length;
  const text =
    `The duty check opened ${count === 1 ? 'a breach' : `${String(count)} breaches`} of duty:\n\n` +
    `${shown.join('\n')}${more}\n\nTriage them at ${ctx.publicUrl}/breaches\n`;
  const subject = `Cloud Office: the duty check opened ${count === 1 ? 'a breach' : `${String(count)} breaches`}`;
  for (const to of recipients) await enqueueEmail(trx, { to, subject, text }, ctx.clock);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
