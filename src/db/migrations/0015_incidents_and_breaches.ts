import type { Kysely } from 'kysely';
import { grantPowers, type Grants } from './grants.js';

/**
 * Issue 7: data-breach reports and incidents, incident-report requests, response actions, breaches
 * of duty, and webhook subscribers.
 *
 * - `incidents`: one per report. Discovery and report instants are kept apart; the deadline, the
 *   delay and the late flag are computed at intake from the policy version in force and stored, so
 *   the record says what applied when it arrived. `revision` makes every step a compare-and-set.
 * - `incident_events`: the timeline (reported, updates, the final report, transitions, requests
 *   and actions). Ordered by `at`, then `seq`, a number per incident drawn from the incident's
 *   revision in the same transaction.
 * - `report_requests`: an officer asks an organization for a report, with questions and a due
 *   instant; the answer (text, per-question answers, evidence documents) is stored on the row.
 * - `response_actions`: an action ordered of an organization with an owner and a due instant; its
 *   progress entries are `response_action_progress` rows.
 * - `breaches`: one per failure of a duty. `detection_key` is unique (null for breaches recorded
 *   by hand), which is what makes the duty check open each breach once, on any number of
 *   instances at once.
 * - `webhook_subscriptions`: receivers of signed event deliveries; the secret is sealed with the
 *   installation's key. Deliveries are `outbox` rows of kind `webhook`; `outbox.dedupe_key`
 *   (unique) keeps one delivery per event and subscriber.
 *
 * The new power `manage_incidents` (triage, lifecycle, breaches) goes to the posts that hold it by
 * default in offices set up before it: the DG Cloud, the Director Audits, the Director
 * Infrastructure & Operations and the Joint Director Audits.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('severity_reason', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('discovered_at', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('reported_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('system_ids', 'text', (c) => c.notNull()) // string[], JSON
    .addColumn('offering_ids', 'text', (c) => c.notNull()) // string[], JSON
    .addColumn('data_classes', 'text', (c) => c.notNull()) // string[], JSON
    .addColumn('personal_data', 'integer', (c) => c.notNull()) // 0 or 1
    .addColumn('records_affected', 'integer')
    .addColumn('people_affected', 'integer')
    .addColumn('contact', 'text', (c) => c.notNull()) // { name, email, phone }, JSON
    .addColumn('document_ids', 'text', (c) => c.notNull()) // string[], JSON
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('notice_due_at', 'text', (c) => c.notNull()) // the earliest reporting deadline
    .addColumn('reporting_delay_seconds', 'integer', (c) => c.notNull())
    .addColumn('late', 'integer', (c) => c.notNull()) // 0 or 1
    .addColumn('last_update_at', 'text', (c) => c.notNull())
    .addColumn('final_report_at', 'text')
    .addColumn('owner_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('closed_at', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incidents_by_status')
    .on('incidents')
    .columns(['status', 'reported_at'])
    .execute();
  await db.schema
    .createIndex('incidents_by_organization')
    .on('incidents')
    .columns(['organization_id', 'reported_at'])
    .execute();
  await db.schema
    .createIndex('incidents_by_reported')
    .on('incidents')
    .column('reported_at')
    .execute();

  await db.schema
    .createTable('incident_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull()) // JSON, by type
    .addColumn('actor_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('actor_organization_id', 'text', (c) => c.references('organizations.id'))
    .addColumn('actor_position', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_events_seq')
    .on('incident_events')
    .columns(['incident_id', 'seq'])
    .unique()
    .execute();

  await db.schema
    .createTable('report_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id'))
    .addColumn('status', 'text', (c) => c.notNull()) // open | answered | accepted | withdrawn
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('questions', 'text', (c) => c.notNull()) // string[], JSON
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('requested_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('requested_by_position', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('answer', 'text') // { text, answers: string[], documentIds }, JSON
    .addColumn('answered_at', 'text')
    .addColumn('answered_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('escalation_step', 'integer', (c) => c.notNull()) // rungs taken so far
    .addColumn('escalated_at', 'text')
    .addColumn('escalations', 'text') // { step, post, at }[], JSON; null before the first
    .addColumn('closed_note', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('report_requests_by_status')
    .on('report_requests')
    .columns(['status', 'due_at'])
    .execute();
  await db.schema
    .createIndex('report_requests_by_organization')
    .on('report_requests')
    .columns(['organization_id', 'requested_at'])
    .execute();
  await db.schema
    .createIndex('report_requests_by_incident')
    .on('report_requests')
    .column('incident_id')
    .execute();

  await db.schema
    .createTable('breaches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('detection_key', 'text', (c) => c.unique()) // null when recorded by hand
    .addColumn('source', 'text', (c) => c.notNull()) // check | manual
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('duty_code', 'text', (c) => c.notNull())
    .addColumn('clause', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text') // offering, system, incident, ... (null by hand)
    .addColumn('subject_id', 'text')
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // open | acknowledged | remedied | closed
    .addColumn('owner_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('resolution', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id'))
    .addColumn('recorded_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('breaches_by_status')
    .on('breaches')
    .columns(['status', 'detected_at'])
    .execute();
  await db.schema
    .createIndex('breaches_by_organization')
    .on('breaches')
    .columns(['organization_id', 'detected_at'])
    .execute();
  await db.schema
    .createIndex('breaches_by_incident')
    .on('breaches')
    .column('incident_id')
    .execute();

  await db.schema
    .createTable('response_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id'))
    .addColumn('breach_id', 'text', (c) => c.references('breaches.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('offering_id', 'text', (c) => c.references('offerings.id'))
    .addColumn('owner_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // ordered | in_progress | done | verified | closed | cancelled
    .addColumn('ordered_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('ordered_by_position', 'text')
    .addColumn('ordered_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('verified_at', 'text')
    .addColumn('verified_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('verification_note', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('response_actions_by_status')
    .on('response_actions')
    .columns(['status', 'due_at'])
    .execute();
  await db.schema
    .createIndex('response_actions_by_organization')
    .on('response_actions')
    .columns(['organization_id', 'ordered_at'])
    .execute();
  await db.schema
    .createIndex('response_actions_by_incident')
    .on('response_actions')
    .column('incident_id')
    .execute();

  await db.schema
    .createTable('response_action_progress')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('action_id', 'text', (c) => c.notNull().references('response_actions.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('document_ids', 'text', (c) => c.notNull()) // string[], JSON
    .addColumn('marks_done', 'integer', (c) => c.notNull()) // 0 or 1
    .addColumn('by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('response_action_progress_by_action')
    .on('response_action_progress')
    .columns(['action_id', 'at'])
    .execute();

  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull()) // sealed with the installation's key
    .addColumn('event_types', 'text', (c) => c.notNull()) // string[], JSON; [] = every type
    .addColumn('active', 'integer', (c) => c.notNull()) // 0 or 1
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('outbox').addColumn('dedupe_key', 'text').execute();
  await db.schema
    .createIndex('outbox_dedupe_key')
    .on('outbox')
    .column('dedupe_key')
    .unique()
    .execute();

  await grantPowers(db, GRANTS, 'add');
}

const GRANTS: Grants = {
  dg_cloud: ['manage_incidents'],
  director_audits: ['manage_incidents'],
  director_infrastructure_operations: ['manage_incidents'],
  joint_director_audits: ['manage_incidents'],
};

export async function down(db: Kysely<unknown>): Promise<void> {
  await grantPowers(db, GRANTS, 'remove');
  await db.schema.dropIndex('outbox_dedupe_key').execute();
  await db.schema.alterTable('outbox').dropColumn('dedupe_key').execute();
  await db.schema.dropTable('webhook_subscriptions').execute();
  await db.schema.dropTable('response_action_progress').execute();
  await db.schema.dropTable('breaches').execute();
  await db.schema.dropTable('response_actions').execute();
  await db.schema.dropTable('report_requests').execute();
  await db.schema.dropTable('incident_events').execute();
  await db.schema.dropTable('incidents').execute();
}
