import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { policyInForce, publishedPack } from '../placement/policy-service.js';
import { DEFAULT_OBLIGATIONS } from './default-obligations.js';
import type { ObligationSet } from './model.js';

/**
 * The obligations in force: those of the published policy pack, with the version they belong to.
 * A pack published before duties were part of it carries none; the default set applies to it.
 */
export async function obligationsInForce(
  db: Kysely<Database>,
): Promise<{ policyVersion: number; obligations: ObligationSet }> {
  const { version, pack } = await policyInForce(db);
  return { policyVersion: version, obligations: pack.duties ?? DEFAULT_OBLIGATIONS };
}

/**
 * The obligations of a published policy version, e.g. the one an incident or a breach was judged
 * under; the default set for a version without duties (or none stored).
 */
export async function obligationsOfVersion(
  db: Kysely<Database>,
  version: number,
): Promise<ObligationSet> {
  return (await publishedPack(db, version))?.duties ?? DEFAULT_OBLIGATIONS;
}

/**
 * The titles of the office posts among `codes` (those the escalation ladder names), by code; a
 * code the office has no post for is left out. Public: the office's posts are no secret, and a
 * visitor reading the ladder should see "Director Audits", not `director_audits`.
 */
export async function postTitles(
  db: Kysely<Database>,
  codes: readonly string[],
): Promise<Record<string, string>> {
  if (codes.length === 0) return {};
  const rows = await db
    .selectFrom('positions')
    .select(['code', 'title'])
    .where('code', 'in', [...new Set(codes)])
    .execute();
  return Object.fromEntries(rows.map((row) => [row.code, row.title]));
}
