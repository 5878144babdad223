import type { Scenario } from '../lib/scenario.js';
import { dutiesCheck } from './duties-check.js';
import { httpAuthRead } from './http-auth-read.js';
import { httpHealthz } from './http-healthz.js';
import { incidentIntake } from './incident-intake.js';
import { oscalImport } from './oscal-import.js';
import { oscalResolve } from './oscal-resolve.js';
import { placementDecide } from './placement-decide.js';
import { placementReevaluate } from './placement-reevaluate.js';
import { registerList } from './register-list.js';

/** Every scenario `npm run bench` runs, in order. Add new ones here. */
export const scenarios: readonly Scenario[] = [
  httpHealthz,
  httpAuthRead,
  oscalResolve,
  oscalImport,
  registerList,
  placementDecide,
  placementReevaluate,
  incidentIntake,
  dutiesCheck,
];
