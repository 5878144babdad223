import type { Kysely } from 'kysely';
import type { Database, RegisterEntriesTable } from '../../db/schema.js';
import type { AccreditationRecord } from '../accreditation/workflow.js';

/**
 * The public register as a projection of the accreditation records. The accreditation service
 * calls `projectRegisterEntry` in the transaction of every change, so the register never shows a
 * state the workflow did not commit.
 */

/** The register row a record stands for; undefined when it has nothing to show (never granted, or superseded). */
export function registerEntryOf(
  record: AccreditationRecord,
  updatedAt: string,
): RegisterEntriesTable | undefined {
  // A superseded record hands the offering's row to its successor, written in the same transaction.
  if (!record.grant || record.status === 'superseded') return undefined;
  return {
    offering_id: record.offeringId,
    application_id: record.id,
    csp_organization_id: record.cspOrganizationId,
    status: record.status,
    level_code: record.grant.level.code,
    level_rank: record.grant.level.rank,
    valid_from: record.grant.validFrom,
    valid_until: record.grant.validUntil,
    decided_on: record.grant.decidedOn,
    suspended_from: record.status === 'suspended' ? (record.suspension?.effectiveOn ?? null) : null,
    audit_firm_id: record.auditFirm?.id ?? null,
    audit_firm_name: record.auditFirm?.name ?? null,
    updated_at: updatedAt,
  };
}

/**
 * Writes the offering's register row from `record`. Only one record of an offering is granted
 * and not final at a time, and final records never change again, so the last writer is the
 * offering's current entry.
 */
export async function projectRegisterEntry(
  db: Kysely<Database>,
  record: AccreditationRecord,
  updatedAt: string,
): Promise<void> {
  const row = registerEntryOf(record, updatedAt);
  if (!row) return;
  await db
    .insertInto('register_entries')
    .values(row)
    .onConflict((oc) =>
      oc.column('offering_id').doUpdateSet((eb) => ({
        application_id: eb.ref('excluded.application_id'),
        csp_organization_id: eb.ref('excluded.csp_organization_id'),
        status: eb.ref('excluded.status'),
        level_code: eb.ref('excluded.level_code'),
        level_rank: eb.ref('excluded.level_rank'),
        valid_from: eb.ref('excluded.valid_from'),
        valid_until: eb.ref('excluded.valid_until'),
        decided_on: eb.ref('excluded.decided_on'),
        suspended_from: eb.ref('excluded.suspended_from'),
        audit_firm_id: eb.ref('excluded.audit_firm_id'),
        audit_firm_name: eb.ref('excluded.audit_firm_name'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
