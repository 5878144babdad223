import type { Kysely } from 'kysely';

/**
 * Accreditation applications (issue 5): one row per application, which becomes the accreditation
 * if granted (see docs/accreditation-workflow.md). Scalar fields the register and queues filter on
 * are columns; the nested parts of the workflow's record are JSON text, written whole from the
 * record the pure state machine returns. `revision` makes every update a compare-and-set, so two
 * officers acting at once cannot both succeed. Events are the status history, one per change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accreditation_applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offering_id', 'text', (c) => c.notNull().references('offerings.id'))
    .addColumn('csp_organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('kind', 'text', (c) => c.notNull()) // initial | renewal | reassessment
    .addColumn('predecessor_id', 'text', (c) => c.references('accreditation_applications.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('level_sought_code', 'text', (c) => c.notNull())
    .addColumn('level_sought_rank', 'integer', (c) => c.notNull())
    .addColumn('level_version', 'integer') // pinned at submission
    .addColumn('submission_control_ids', 'text') // JSON array, with level_version
    .addColumn('return_reasons', 'text')
    .addColumn('audit_firm', 'text')
    .addColumn('assessment', 'text')
    .addColumn('legal_review', 'text')
    .addColumn('grant_info', 'text')
    .addColumn('conditions', 'text', (c) => c.notNull()) // JSON array, [] when none
    .addColumn('suspension', 'text')
    .addColumn('closure', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by_user_id', 'text', (c) => c.references('users.id'))
    .execute();
  // Queues list by status; providers list their own; an offering's applications are looked up.
  await db.schema
    .createIndex('accreditation_applications_by_status')
    .on('accreditation_applications')
    .columns(['status', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('accreditation_applications_by_provider')
    .on('accreditation_applications')
    .columns(['csp_organization_id', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('accreditation_applications_by_offering')
    .on('accreditation_applications')
    .columns(['offering_id'])
    .execute();

  await db.schema
    .createTable('accreditation_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) =>
      c.notNull().references('accreditation_applications.id'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull()) // JSON: the workflow's event
    .addColumn('actor_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('actor_position', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  // Unique: a second writer of the same step fails here even if it slipped past the revision.
  await db.schema
    .createIndex('accreditation_events_by_application')
    .on('accreditation_events')
    .columns(['application_id', 'seq'])
    .unique()
    .execute();

  await db.schema
    .createTable('control_responses')
    .addColumn('application_id', 'text', (c) =>
      c.notNull().references('accreditation_applications.id'),
    )
    .addColumn('control_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('responsibility', 'text', (c) => c.notNull())
    .addColumn('narrative', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('customer_responsibility', 'text')
    .addColumn('evidence_document_ids', 'text', (c) => c.notNull()) // JSON array
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by_user_id', 'text', (c) => c.references('users.id'))
    .addPrimaryKeyConstraint('control_responses_pk', ['application_id', 'control_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('control_responses').execute();
  await db.schema.dropTable('accreditation_events').execute();
  await db.schema.dropTable('accreditation_applications').execute();
}
