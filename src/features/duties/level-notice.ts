import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { publishedParameter } from '../levels/parameters.js';
import type { PolicyPack } from '../placement/model.js';
import { DEFAULT_LEVEL_NOTICE_PARAMETER } from './default-obligations.js';
import type { ReportingParameters } from './model.js';

/**
 * The breach-notice figure of the security level that the affected data's class must be hosted at:
 * the class is the highest (by rank) of the classes a report names, its level the pack's minimum
 * level for that class, and the figure the level's own parameter (`levelNoticeParameter`) in its
 * latest published version. How it bears on the deadline is `levelNotice` (see deadlines.ts).
 */
export interface LevelNotice {
  /** The highest class affected, whose level set the figure. */
  dataClass: string;
  level: string;
  levelTitle: string;
  /** The published version of the level read. */
  levelVersion: number;
  parameter: string;
  hours: number;
}

/**
 * The level's figure for a report naming `dataClasses`, or null where none applies: the rule is
 * `duty_only`, no class is named (or none the pack knows), the class has no placement rule, the
 * level is not published, or its parameter is missing or not a positive number of hours.
 */
export async function levelNoticeFor(
  db: Kysely<Database>,
  pack: Readonly<PolicyPack>,
  reporting: ReportingParameters,
  dataClasses: readonly string[],
): Promise<LevelNotice | null> {
  if (reporting.levelNotice === 'duty_only') return null;
  const named = new Set(dataClasses);
  const highest = pack.classes
    .filter((c) => named.has(c.code))
    .reduce<(typeof pack.classes)[number] | undefined>(
      (top, c) => (top === undefined || c.rank > top.rank ? c : top),
      undefined,
    );
  if (!highest) return null;
  const rule = pack.rules.find((r) => r.classCode === highest.code);
  if (!rule) return null;
  const parameter = reporting.levelNoticeParameter ?? DEFAULT_LEVEL_NOTICE_PARAMETER;
  const found = await publishedParameter(db, rule.minimumLevel, parameter);
  const hours = Number(found?.values[0]);
  if (!found || found.values.length !== 1 || !Number.isFinite(hours) || hours <= 0) return null;
  return {
    dataClass: highest.code,
    level: found.level,
    levelTitle: found.levelTitle,
    levelVersion: found.version,
    parameter,
    hours,
  };
}

/** The level's figure and how it bears on the first-notice deadline, in words (e-mail, PDF). */
export function levelNoticeInWords(notice: LevelNotice, reporting: ReportingParameters): string {
  const rule =
    reporting.levelNotice === 'level'
      ? "the level's figure applies"
      : `the shorter of it and the duty's ${String(reporting.initialNoticeHours)} hours applies`;
  return (
    `${notice.levelTitle} (version ${String(notice.levelVersion)}), the level of ${notice.dataClass} data, ` +
    `sets ${String(notice.hours)} hours for the first notice; ${rule}`
  );
}
