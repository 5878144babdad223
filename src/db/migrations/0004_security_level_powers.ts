import type { Kysely } from 'kysely';
import { grantPowers, type Grants } from './grants.js';

/**
 * Two powers arrived with the security levels: keeping the control-catalog library
 * (`manage_catalogs`) and proposing changes to a level (`propose_security_level`). Offices set up
 * before them get them on the posts that hold them by default: the DG Cloud (who holds every power)
 * and the Director Infrastructure & Operations. Posts an office has edited keep its edits; only a
 * missing power is added.
 */
const GRANTS: Grants = {
  dg_cloud: ['manage_catalogs', 'propose_security_level'],
  director_infrastructure_operations: ['manage_catalogs', 'propose_security_level'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await grantPowers(db, GRANTS, 'add');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await grantPowers(db, GRANTS, 'remove');
}
