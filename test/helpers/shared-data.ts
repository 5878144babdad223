import fs from 'node:fs';
import path from 'node:path';

/**
 * The workplace's shared reference data (`../shared/data` beside the checkout): NIST SP 800-53
 * catalogs and profiles, the official OSCAL schemas, Prowler findings. A user's clone does not have
 * it, so tests that need it skip there with this reason; CI has it and runs them.
 */
export const SHARED_DATA = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');

export const SHARED_DATA_MISSING = fs.existsSync(SHARED_DATA)
  ? false
  : `needs the shared reference data at ${SHARED_DATA} (present in CI, not in a user's clone)`;

/** Folders and files of the OSCAL reference set. */
export const NIST_REV5_DIR = path.join(SHARED_DATA, 'oscal', 'nist-sp800-53-rev5.0.1');
export const NIST_REV5_CATALOG = path.join(NIST_REV5_DIR, 'NIST_SP-800-53_rev5_catalog.json');
export const NIST_REV511_PROFILES_DIR = path.join(
  SHARED_DATA,
  'oscal',
  'nist-sp800-53-rev5.1.1-profiles',
);
export const OSCAL_SCHEMA_1_1_2 = path.join(
  SHARED_DATA,
  'oscal',
  'schema',
  'v1.1.2',
  'oscal_complete_schema.json',
);
export const OSCAL_SCHEMA_1_0_6 = path.join(
  SHARED_DATA,
  'oscal',
  'schema',
  'v1.0.6',
  'oscal_complete_schema.json',
);
