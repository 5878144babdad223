import type { Kysely } from 'kysely';

/**
 * The rest of accreditation (issue 5): the assigned audit firm as a column (auditors' queues and
 * their access to the application), the documents attached to an application, the auditor's working results and findings before the
 * assessment is submitted, and the public register as a projection kept in the same transaction
 * as every change of a granted accreditation.
 *
 * The register holds one row per offering that has ever been granted: its latest granted record
 * that has not been superseded, whatever its status now (suspended and revoked offerings stay
 * visible as such). Its columns are what the public list filters and sorts on, so a list over
 * tens of thousands of offerings reads one table joined to `offerings`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('accreditation_applications')
    .addColumn('audit_firm_id', 'text', (c) => c.references('organizations.id'))
    .execute();
  await db.schema
    .createIndex('accreditation_applications_by_audit_firm')
    .on('accreditation_applications')
    .columns(['audit_firm_id', 'updated_at'])
    .execute();

  // The documents a provider attaches to an application (contracts, legal and architecture
  // documents) for the completeness check and the legal review, in the order given.
  await db.schema
    .createTable('application_documents')
    .addColumn('application_id', 'text', (c) =>
      c.notNull().references('accreditation_applications.id'),
    )
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('added_by_user_id', 'text', (c) => c.references('users.id'))
    .addPrimaryKeyConstraint('application_documents_pk', ['application_id', 'document_id'])
    .execute();

  // The auditor's working copy; submitting the assessment copies it into the record.
  await db.schema
    .createTable('assessment_results')
    .addColumn('application_id', 'text', (c) =>
      c.notNull().references('accreditation_applications.id'),
    )
    .addColumn('control_id', 'text', (c) => c.notNull())
    .addColumn('audit_firm_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('result', 'text', (c) => c.notNull()) // satisfied | not_satisfied | not_applicable
    .addColumn('note', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by_user_id', 'text', (c) => c.references('users.id'))
    .addPrimaryKeyConstraint('assessment_results_pk', ['application_id', 'control_id'])
    .execute();
  await db.schema
    .createTable('assessment_findings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) =>
      c.notNull().references('accreditation_applications.id'),
    )
    .addColumn('audit_firm_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('control_id', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull()) // low | moderate | high | critical
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text', (c) => c.notNull()) // YYYY-MM-DD
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('assessment_findings_by_application')
    .on('assessment_findings')
    .columns(['application_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('register_entries')
    .addColumn('offering_id', 'text', (c) => c.primaryKey().references('offerings.id'))
    .addColumn('application_id', 'text', (c) =>
      c.notNull().references('accreditation_applications.id'),
    )
    .addColumn('csp_organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('status', 'text', (c) => c.notNull()) // accredited | suspended | revoked | expired
    .addColumn('level_code', 'text', (c) => c.notNull())
    .addColumn('level_rank', 'integer', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('decided_on', 'text', (c) => c.notNull())
    .addColumn('suspended_from', 'text') // effective date of a suspension in force
    .addColumn('audit_firm_id', 'text', (c) => c.references('organizations.id'))
    .addColumn('audit_firm_name', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('register_entries_by_status')
    .on('register_entries')
    .columns(['status', 'level_rank'])
    .execute();
  await db.schema
    .createIndex('register_entries_by_level')
    .on('register_entries')
    .columns(['level_rank', 'status'])
    .execute();
  await db.schema
    .createIndex('register_entries_by_provider')
    .on('register_entries')
    .columns(['csp_organization_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('register_entries').execute();
  await db.schema.dropTable('assessment_findings').execute();
  await db.schema.dropTable('application_documents').execute();
  await db.schema.dropTable('assessment_results').execute();
  await db.schema.dropIndex('accreditation_applications_by_audit_firm').execute();
  await db.schema.alterTable('accreditation_applications').dropColumn('audit_firm_id').execute();
}
