import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerAccreditationCommands } from './accreditation.js';
import { registerAuditCommands } from './audit.js';
import { registerBreachCommands } from './breaches.js';
import { registerCatalogCommands } from './catalog.js';
import { registerIncidentCommands } from './incident.js';
import { registerLevelCommands } from './level.js';
import { registerOfferingCommands } from './offering.js';
import { registerOfficeCommands } from './office.js';
import { registerPeopleCommands } from './people.js';
import { registerPlacementCommands } from './placement.js';
import { registerProfileCommands } from './profile.js';
import { registerRegisterCommands } from './register.js';
import { registerSystemCommands } from './system.js';

/** Every command group; each feature adds its own file here. */
export const commands: readonly ((program: Command, io: CliIo) => void)[] = [
  registerSystemCommands,
  registerAuditCommands,
  registerOfficeCommands,
  registerPeopleCommands,
  registerCatalogCommands,
  registerProfileCommands,
  registerLevelCommands,
  registerOfferingCommands,
  registerAccreditationCommands,
  registerRegisterCommands,
  registerPlacementCommands,
  registerIncidentCommands,
  registerBreachCommands,
];
