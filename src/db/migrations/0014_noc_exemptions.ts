import type { Kysely } from 'kysely';
import { grantPowers, type Grants } from './grants.js';

/**
 * NOC exemptions (issue 6, item 5): a PSE's request for a time-bound No Objection Certificate for
 * one of its systems, reviewed by the Director Cloud Adoption and decided by the DG Cloud.
 *
 * `noc_exemptions` holds the workflow's record (features/placement/noc-workflow.ts): scalar fields
 * as columns (status, the system and its PSE, the period asked and granted), nested parts as JSON
 * text written whole. `revision` makes every step a compare-and-set, so of two officers acting at
 * once exactly one succeeds. `noc_events` is the status history: each step with who took it, under
 * which post and when. The organization is repeated on the NOC so that tenant checks and lists
 * need no join.
 *
 * The new power `review_exemption` goes to the posts that hold it by default in offices set up
 * before it (as migration 0004 did): the DG Cloud and the Director Cloud Adoption.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('noc_exemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_id', 'text', (c) => c.notNull().references('pse_systems.id'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('class_code', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('covers', 'text', (c) => c.notNull()) // Deviation[], JSON
    .addColumn('deployment_models', 'text', (c) => c.notNull()) // DeploymentModel[], JSON
    .addColumn('offering_id', 'text') // not a foreign key: the NOC outlives the offering
    .addColumn('facility', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_from', 'text', (c) => c.notNull()) // YYYY-MM-DD
    .addColumn('requested_until', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text') // the period granted, once granted
    .addColumn('valid_until', 'text')
    .addColumn('return_reasons', 'text') // string[], JSON
    .addColumn('review', 'text') // { recommendation, notes, reviewedOn }, JSON
    .addColumn('grant_terms', 'text') // { validFrom, validUntil, decidedOn, notes }, JSON
    .addColumn('closure', 'text') // { reasons, on }, JSON
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by_user_id', 'text', (c) => c.references('users.id'))
    .execute();
  // Placement reads the NOCs of systems; the expiry job reads the granted ones past their end.
  await db.schema
    .createIndex('noc_exemptions_by_system')
    .on('noc_exemptions')
    .columns(['system_id', 'status'])
    .execute();
  await db.schema
    .createIndex('noc_exemptions_by_status')
    .on('noc_exemptions')
    .columns(['status', 'valid_until'])
    .execute();
  await db.schema
    .createIndex('noc_exemptions_by_organization')
    .on('noc_exemptions')
    .columns(['organization_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('noc_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('noc_id', 'text', (c) => c.notNull().references('noc_exemptions.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull()) // NocEvent, JSON
    .addColumn('actor_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('actor_position', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('noc_events_seq')
    .on('noc_events')
    .columns(['noc_id', 'seq'])
    .unique()
    .execute();

  await grantPowers(db, GRANTS, 'add');
}

const GRANTS: Grants = {
  dg_cloud: ['review_exemption'],
  director_cloud_adoption: ['review_exemption'],
};

export async function down(db: Kysely<unknown>): Promise<void> {
  await grantPowers(db, GRANTS, 'remove');
  await db.schema.dropTable('noc_events').execute();
  await db.schema.dropTable('noc_exemptions').execute();
}
