import type { Kysely } from 'kysely';

/**
 * Cloud service offerings: what a CSP applies to accredit and what placement decisions read. An
 * offering's data-centre locations, certifications and contacts are lists kept in their own
 * tables, in the order given (`position`), and are always replaced whole, in one transaction.
 * Dates are YYYY-MM-DD text; country codes are ISO 3166-1 alpha-2, checked by the service.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('offerings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull()) // lower case, white space folded
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('service_model', 'text', (c) => c.notNull()) // iaas | paas | saas
    .addColumn('deployment_model', 'text', (c) => c.notNull()) // public | government | private | hybrid
    .addColumn('website', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by_user_id', 'text', (c) => c.references('users.id'))
    .execute();
  // One name per provider, whatever its case; also serves the organization filter and sort.
  await db.schema
    .createIndex('offerings_name_per_provider')
    .on('offerings')
    .columns(['organization_id', 'name_key'])
    .unique()
    .execute();
  // The public register (issue 5) and placement (issue 6) filter by these.
  await db.schema
    .createIndex('offerings_by_service_model')
    .on('offerings')
    .columns(['service_model', 'name_key'])
    .execute();
  await db.schema
    .createIndex('offerings_by_deployment_model')
    .on('offerings')
    .columns(['deployment_model', 'name_key'])
    .execute();

  await db.schema
    .createTable('offering_locations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offering_id', 'text', (c) => c.notNull().references('offerings.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull()) // ISO 3166-1 alpha-2
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull()) // customer_data | backup | disaster_recovery
    .execute();
  await db.schema
    .createIndex('offering_locations_by_offering')
    .on('offering_locations')
    .columns(['offering_id', 'position'])
    .unique()
    .execute();
  // Residency filters ("all customer data in country X") look locations up by country.
  await db.schema
    .createIndex('offering_locations_by_country')
    .on('offering_locations')
    .columns(['country', 'purpose'])
    .execute();

  await db.schema
    .createTable('offering_certifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offering_id', 'text', (c) => c.notNull().references('offerings.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    // iso27001 | iso27017 | iso27018 | soc2 | csa_star | pci_dss | other
    .addColumn('scheme', 'text', (c) => c.notNull())
    .addColumn('name', 'text') // required for "other"
    .addColumn('certificate_number', 'text')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'text')
    .addColumn('expires_on', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.references('documents.id'))
    .execute();
  await db.schema
    .createIndex('offering_certifications_by_offering')
    .on('offering_certifications')
    .columns(['offering_id', 'position'])
    .unique()
    .execute();

  await db.schema
    .createTable('offering_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offering_id', 'text', (c) => c.notNull().references('offerings.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull()) // primary | security | commercial | legal
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .execute();
  await db.schema
    .createIndex('offering_contacts_by_offering')
    .on('offering_contacts')
    .columns(['offering_id', 'position'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('offering_contacts').execute();
  await db.schema.dropTable('offering_certifications').execute();
  await db.schema.dropTable('offering_locations').execute();
  await db.schema.dropTable('offerings').execute();
}
