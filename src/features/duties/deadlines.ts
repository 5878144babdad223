import type { EscalationStep, ReportingParameters } from './model.js';

/**
 * Deadline arithmetic for data-breach reports and incident-report requests. Pure: instants are
 * ISO-8601 strings in, ISO-8601 UTC strings out; nothing reads a clock.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Milliseconds since the epoch of an ISO-8601 instant; refuses anything Date cannot read. */
export function instantMs(value: string, name = 'instant'): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new RangeError(`${name} ${JSON.stringify(value)} is not an ISO-8601 instant`);
  return ms;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The hours the initial notice may take: the duty's own figure, adjusted by the level of the
 * data's class when the set says so (see `LevelNoticeRule`). `levelNoticeHours` is null when the
 * level has no such parameter.
 */
export function initialNoticeHours(
  params: ReportingParameters,
  levelNoticeHours: number | null,
): number {
  if (levelNoticeHours === null || params.levelNotice === 'duty_only')
    return params.initialNoticeHours;
  if (params.levelNotice === 'level') return levelNoticeHours;
  return Math.min(params.initialNoticeHours, levelNoticeHours);
}

export type ReportingTrack = 'initial_notice' | 'personal_data';

export interface TrackDeadline {
  track: ReportingTrack;
  hours: number;
  dueAt: string;
  /** Reported after `dueAt`, or not reported and `at` is past it. */
  late: boolean;
}

export interface ReportingDeadlines {
  tracks: TrackDeadline[];
  /** Minutes from discovery to the report (to `at` while unreported), rounded down; never negative. */
  delayMinutes: number;
  reported: boolean;
  /** Any track late. */
  late: boolean;
}

export interface BreachTiming {
  discoveredAt: string;
  /** When the Office was told; null while it has not been. */
  reportedAt: string | null;
  personalData: boolean;
  /** The breach-notice hours of the level of the affected data's class, if it sets one. */
  levelNoticeHours: number | null;
}

/**
 * The reporting deadlines of one breach per track, its reporting delay and whether each track was
 * missed. `at` is the instant of evaluation: it only matters while the breach is unreported.
 */
export function reportingDeadlines(
  timing: BreachTiming,
  params: ReportingParameters,
  at: string,
): ReportingDeadlines {
  const discovered = instantMs(timing.discoveredAt, 'discoveredAt');
  const reported = timing.reportedAt === null ? null : instantMs(timing.reportedAt, 'reportedAt');
  const end = reported ?? instantMs(at, 'at');
  const track = (name: ReportingTrack, hours: number): TrackDeadline => {
    const due = discovered + hours * HOUR_MS;
    return { track: name, hours, dueAt: iso(due), late: end > due };
  };
  const tracks = [track('initial_notice', initialNoticeHours(params, timing.levelNoticeHours))];
  if (timing.personalData) tracks.push(track('personal_data', params.personalDataHours));
  return {
    tracks,
    delayMinutes: Math.max(0, Math.floor((end - discovered) / 60_000)),
    reported: reported !== null,
    late: tracks.some((t) => t.late),
  };
}

/** When the next update is due: the cadence counts from the last update, else the initial notice. */
export function nextUpdateDueAt(
  lastUpdateAt: string | null,
  reportedAt: string,
  params: ReportingParameters,
): string {
  const from = instantMs(lastUpdateAt ?? reportedAt, 'lastUpdateAt');
  return iso(from + params.updateEveryHours * HOUR_MS);
}

/** Whether an update is overdue at `at` (strictly after the due instant). */
export function updateOverdue(
  lastUpdateAt: string | null,
  reportedAt: string,
  params: ReportingParameters,
  at: string,
): boolean {
  return instantMs(at, 'at') > instantMs(nextUpdateDueAt(lastUpdateAt, reportedAt, params));
}

/**
 * When the final report is due: `finalReportDays` after the initial notice (NIS2 counts the month
 * from the notification), or after discovery while no notice was given, so that not reporting
 * never postpones it.
 */
export function finalReportDueAt(
  discoveredAt: string,
  reportedAt: string | null,
  params: ReportingParameters,
): string {
  const from = instantMs(reportedAt ?? discoveredAt, reportedAt ? 'reportedAt' : 'discoveredAt');
  return iso(from + params.finalReportDays * DAY_MS);
}

export interface RequestTiming {
  id: string;
  dueAt: string;
  /** When it was answered; null while unanswered. */
  answeredAt: string | null;
}

export interface EscalationDue {
  /** `escalation/<request id>/<step index>`: a job inserts it under a unique key, so each once. */
  key: string;
  requestId: string;
  /** 0-based rung of the ladder. */
  step: number;
  post: string;
  dueAt: string;
}

/**
 * The escalation steps reached at `at` for a request still unanswered: every rung whose time has
 * come, lowest first. A job inserts each by `key` and so tells each post once, even when it missed
 * a run. The key names the rung by index, not post, so renaming a post does not re-escalate.
 * An answered request escalates no further, whenever it was answered.
 */
export function escalationsDue(
  request: RequestTiming,
  ladder: readonly EscalationStep[],
  at: string,
): EscalationDue[] {
  if (request.answeredAt !== null) return [];
  const now = instantMs(at, 'at');
  let stepAt = instantMs(request.dueAt, 'dueAt');
  const due: EscalationDue[] = [];
  for (const [step, rung] of ladder.entries()) {
    stepAt += rung.afterHours * HOUR_MS;
    if (stepAt > now) break;
    due.push({
      key: `escalation/${encodeURIComponent(request.id)}/${step}`,
      requestId: request.id,
      step,
      post: rung.post,
      dueAt: iso(stepAt),
    });
  }
  return due;
}
