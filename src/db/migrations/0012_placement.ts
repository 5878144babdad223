import type { Kysely } from 'kysely';
import { grantPowers, type Grants } from './grants.js';

/**
 * Placement (issue 6), first part: the policy pack as versioned data, PSE systems and their
 * classifications, and the two powers that author the pack.
 *
 * `policy_versions` follows the security levels' lifecycle (migration 0006): a version goes draft
 * -> proposed -> approved -> published, the pack is stored whole as JSON text, who did each step,
 * under which post, and when is kept on the row, and a published version never changes. There is
 * one pack for the installation, so `open_key` holds the constant `open` while a version is not yet
 * published and null after: its unique index allows one open draft on both SQLite and PostgreSQL.
 *
 * `pse_systems` are a PSE's information systems with where they run now and where they are proposed
 * to run: an offering (by id, not a foreign key: an offering may be deleted before it applies, and
 * placement must then say so rather than the deletion fail) or a private cloud / on-premises
 * facility. `system_classifications` keeps every classification made (answers, the class with its
 * rationale, the policy version it was made under, who and when); the system row points at the one
 * in force and repeats its class for lists and re-evaluation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull()) // draft | proposed | approved | published
    .addColumn('open_key', 'text', (c) => c.unique()) // 'open' until published, then null
    .addColumn('based_on_version', 'integer')
    .addColumn('pack', 'text', (c) => c.notNull()) // the PolicyPack, JSON
    .addColumn('created_by_user_id', 'text')
    .addColumn('created_by_position', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('proposed_by_user_id', 'text')
    .addColumn('proposed_by_position', 'text')
    .addColumn('proposed_at', 'text')
    .addColumn('approved_by_user_id', 'text')
    .addColumn('approved_by_position', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('published_by_user_id', 'text')
    .addColumn('published_by_position', 'text')
    .addColumn('published_at', 'text')
    .addColumn('returned_by_user_id', 'text')
    .addColumn('returned_by_position', 'text')
    .addColumn('returned_at', 'text')
    .addColumn('return_reason', 'text')
    .execute();

  await db.schema
    .createTable('pse_systems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull()) // lower case, white space folded
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('owner_name', 'text', (c) => c.notNull())
    .addColumn('owner_email', 'text', (c) => c.notNull())
    .addColumn('users_description', 'text', (c) => c.notNull())
    .addColumn('users_count', 'integer', (c) => c.notNull()) // roughly how many
    // Hosting, now and proposed: kind offering | private_cloud | on_premises, or null for none.
    .addColumn('current_kind', 'text')
    .addColumn('current_offering_id', 'text')
    .addColumn('current_facility_name', 'text')
    .addColumn('current_facility_country', 'text') // ISO 3166-1 alpha-2
    .addColumn('current_facility_operator', 'text')
    .addColumn('proposed_kind', 'text')
    .addColumn('proposed_offering_id', 'text')
    .addColumn('proposed_facility_name', 'text')
    .addColumn('proposed_facility_country', 'text')
    .addColumn('proposed_facility_operator', 'text')
    .addColumn('classification_id', 'text') // the classification in force, if any
    .addColumn('class_code', 'text') // its class, repeated here
    .addColumn('status', 'text', (c) => c.notNull()) // active | archived
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('archived_at', 'text')
    .addColumn('archived_by_user_id', 'text', (c) => c.references('users.id'))
    .execute();
  // One name per PSE, whatever its case; also serves the list of a PSE's systems by name.
  await db.schema
    .createIndex('pse_systems_name_per_organization')
    .on('pse_systems')
    .columns(['organization_id', 'name_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('pse_systems_by_name')
    .on('pse_systems')
    .columns(['name_key', 'id'])
    .execute();
  // Re-evaluation finds the systems on an offering that changed, and those of a class.
  await db.schema
    .createIndex('pse_systems_by_current_offering')
    .on('pse_systems')
    .column('current_offering_id')
    .execute();
  await db.schema
    .createIndex('pse_systems_by_proposed_offering')
    .on('pse_systems')
    .column('proposed_offering_id')
    .execute();
  await db.schema
    .createIndex('pse_systems_by_class')
    .on('pse_systems')
    .column('class_code')
    .execute();

  await db.schema
    .createTable('system_classifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_id', 'text', (c) => c.notNull().references('pse_systems.id'))
    .addColumn('revision', 'integer', (c) => c.notNull()) // 1, 2, ... per system
    .addColumn('answers', 'text', (c) => c.notNull()) // ClassificationAnswers, JSON
    .addColumn('class_code', 'text', (c) => c.notNull())
    .addColumn('security_category', 'text', (c) => c.notNull()) // { confidentiality, ... }, JSON
    .addColumn('per_type', 'text', (c) => c.notNull()) // [{ name, classCode, reason }], JSON
    .addColumn('rationale', 'text', (c) => c.notNull()) // [text], JSON
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('classified_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('classified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('system_classifications_revision')
    .on('system_classifications')
    .columns(['system_id', 'revision'])
    .unique()
    .execute();

  await grantPowers(db, GRANTS, 'add');
}

/**
 * The two powers of the policy pack, for offices set up before them (as migration 0004 did for the
 * levels): the DG Cloud holds every power; the Director Cloud Adoption proposes. Posts an office
 * has edited keep its edits; only a missing power is added.
 */
const GRANTS: Grants = {
  dg_cloud: ['propose_policy', 'approve_policy'],
  director_cloud_adoption: ['propose_policy'],
};

export async function down(db: Kysely<unknown>): Promise<void> {
  await grantPowers(db, GRANTS, 'remove');
  await db.schema.dropTable('system_classifications').execute();
  await db.schema.dropTable('pse_systems').execute();
  await db.schema.dropTable('policy_versions').execute();
}
