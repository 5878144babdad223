import type { Migration } from 'kysely';
import * as m0001 from './0001_settings.js';
import * as m0002 from './0002_office_and_people.js';
import * as m0003 from './0003_second_factor_and_tokens.js';
import * as m0004 from './0004_security_level_powers.js';
import * as m0005 from './0005_catalog_library.js';
import * as m0006 from './0006_security_levels.js';
import * as m0007 from './0007_documents.js';
import * as m0008 from './0008_offerings.js';
import * as m0009 from './0009_accreditation_applications.js';
import * as m0010 from './0010_assessments_and_register.js';
import * as m0011 from './0011_register_indexes.js';
import * as m0012 from './0012_placement.js';
import * as m0013 from './0013_placement_decisions.js';
import * as m0014 from './0014_noc_exemptions.js';
import * as m0015 from './0015_incidents_and_breaches.js';
import * as m0016 from './0016_incident_level_notice.js';
import * as m0017 from './0017_outbox_gave_up_at.js';

/**
 * Every migration, by name, in the order it runs. Listed by hand rather than read from a folder
 * so that the same list works from TypeScript sources and from the compiled build.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001_settings': m0001,
  '0002_office_and_people': m0002,
  '0003_second_factor_and_tokens': m0003,
  '0004_security_level_powers': m0004,
  '0005_catalog_library': m0005,
  '0006_security_levels': m0006,
  '0007_documents': m0007,
  '0008_offerings': m0008,
  '0009_accreditation_applications': m0009,
  '0010_assessments_and_register': m0010,
  '0011_register_indexes': m0011,
  '0012_placement': m0012,
  '0013_placement_decisions': m0013,
  '0014_noc_exemptions': m0014,
  '0015_incidents_and_breaches': m0015,
  '0016_incident_level_notice': m0016,
  '0017_outbox_gave_up_at': m0017,
};
