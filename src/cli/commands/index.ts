import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerSystemCommands } from './system.js';

/** Every command group; each feature adds its own file here. */
export const commands: readonly ((program: Command, io: CliIo) => void)[] = [
  registerSystemCommands,
];
