import type { Kysely, Selectable } from 'kysely';
import type { AssessmentFindingsTable, AssessmentResultsTable, Database } from '../../db/schema.js';
import type { Finding, FindingSeverity } from './events.js';

/** The auditor's working copy of an assessment: results and findings before submission. */

type Db = Kysely<Database>;
export type ResultRow = Selectable<AssessmentResultsTable>;
export type FindingRow = Selectable<AssessmentFindingsTable>;

export function findingOf(row: FindingRow): Finding {
  return {
    id: row.id,
    controlId: row.control_id,
    severity: row.severity as FindingSeverity,
    description: row.description,
    dueOn: row.due_on,
  };
}

export function listResults(
  db: Db,
  applicationId: string,
  auditFirmId: string,
): Promise<ResultRow[]> {
  return db
    .selectFrom('assessment_results')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('audit_firm_id', '=', auditFirmId)
    .orderBy('control_id')
    .execute();
}

export function listFindings(
  db: Db,
  applicationId: string,
  auditFirmId: string,
): Promise<FindingRow[]> {
  return db
    .selectFrom('assessment_findings')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('audit_firm_id', '=', auditFirmId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Stores results, each replacing an earlier result for the same control. */
export async function upsertResults(db: Db, rows: readonly ResultRow[]): Promise<void> {
  // Batches keep each statement well under SQLite's and PostgreSQL's parameter limits.
  for (let start = 0; start < rows.length; start += 500) {
    await db
      .insertInto('assessment_results')
      .values(rows.slice(start, start + 500))
      .onConflict((oc) =>
        oc.columns(['application_id', 'control_id']).doUpdateSet((eb) => ({
          audit_firm_id: eb.ref('excluded.audit_firm_id'),
          result: eb.ref('excluded.result'),
          note: eb.ref('excluded.note'),
          updated_at: eb.ref('excluded.updated_at'),
          updated_by_user_id: eb.ref('excluded.updated_by_user_id'),
        })),
      )
      .execute();
  }
}

export async function insertFinding(db: Db, row: FindingRow): Promise<void> {
  await db.insertInto('assessment_findings').values(row).execute();
}

/** Deletes one finding of the application; false when there was none. */
export async function deleteFinding(db: Db, applicationId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('assessment_findings')
    .where('application_id', '=', applicationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Drops the working copy, when the assessment passes to another firm. */
export async function clearWorkingCopy(db: Db, applicationId: string): Promise<void> {
  await db.deleteFrom('assessment_results').where('application_id', '=', applicationId).execute();
  await db.deleteFrom('assessment_findings').where('application_id', '=', applicationId).execute();
}
