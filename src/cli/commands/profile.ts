// `cloud-office profile resolve`: profile resolution on files, without a server, a configuration
// or a database. It must start fast (issue 4 asks for the whole process under 200 ms for NIST
// HIGH), so this module imports nothing beyond commander, node: modules and src/oscal, and
// src/cli/main.ts runs it without loading the other commands.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { OscalError, parseOscal } from '../../oscal/document.js';
import type { OscalIssue } from '../../oscal/model.js';
import { resolveProfile } from '../../oscal/resolve/index.js';
import {
  DEFAULT_MAX_DOCUMENT_BYTES,
  combineSources,
  folderSource,
  httpSource,
} from '../../oscal/sources.js';
import { countControls } from '../../oscal/walk.js';
import type { CliIo } from '../io.js';

/**
 * A failure the user can act on: printed as `Error: <message>` (by this module's runner and by
 * the full CLI alike, which prints any Error that way) and exit code 1. Not io.ts's CliError, whose
 * module loads the database layer.
 */
export class ProfileCommandError extends Error {}

/** How many issues a message lists before saying how many more there are. */
const MAX_LISTED_ISSUES = 20;

/**
 * What failed, then each issue with its JSON pointer and rule. parseOscal's messages already list
 * their issues; others (for example a resolution error carrying a document's issues) get them here.
 */
export function describeOscalError(error: OscalError): string {
  const issues: readonly OscalIssue[] = error.issues;
  if (issues.length === 0 || error.message.includes(`${issues[0]?.pointer || '/'}: `)) {
    return error.message;
  }
  const listed = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${issue.pointer || '/'}: ${issue.message} (${issue.rule})`);
  const more =
    issues.length > MAX_LISTED_ISSUES ? `; and ${issues.length - MAX_LISTED_ISSUES} more` : '';
  return `${error.message}: ${listed.join('; ')}${more}.`;
}

interface ResolveCommandOptions {
  library: string[];
  allowHost: string[];
  out?: string;
}

/** Resolves the profile file and writes the catalog as OSCAL JSON. */
async function resolveCommand(
  profileFile: string,
  options: ResolveCommandOptions,
  io: CliIo,
): Promise<void> {
  const file = path.resolve(profileFile);
  let real: string;
  let text: Buffer;
  try {
    real = await fs.realpath(file);
    const stat = await fs.stat(real);
    if (!stat.isFile()) throw new ProfileCommandError(`${profileFile} is not a file`);
    if (stat.size > DEFAULT_MAX_DOCUMENT_BYTES) {
      throw new ProfileCommandError(
        `${profileFile} is ${stat.size} bytes, more than the ${DEFAULT_MAX_DOCUMENT_BYTES} bytes allowed`,
      );
    }
    text = await fs.readFile(real);
  } catch (error) {
    if (error instanceof ProfileCommandError) throw error;
    throw new ProfileCommandError(`cannot read ${profileFile}: ${(error as Error).message}`);
  }
  try {
    const document = parseOscal(text, { name: profileFile });
    if (document.kind !== 'profile') {
      throw new ProfileCommandError(`${profileFile} is an OSCAL catalog, not a profile`);
    }
    // The profile's own folder is always allowed; --library adds more, searched in order after it.
    // A network href is fetched only from a host named with --allow-host; any other is refused.
    const source = combineSources(
      folderSource([path.dirname(real), ...options.library]),
      httpSource(options.allowHost),
    );
    const { catalog } = await resolveProfile(document.profile, { source, uri: real });
    const json = `${JSON.stringify({ catalog }, null, 2)}\n`;
    if (options.out === undefined) {
      // A reader that goes away early (`| head`) is an error to report, not a crash.
      await new Promise<void>((resolve, reject) => {
        process.stdout.once('error', reject);
        process.stdout.write(json, (error) => (error ? reject(error) : resolve()));
      });
    } else {
      await fs.writeFile(options.out, json);
      io.err(`Wrote the resolved catalog (${countControls(catalog)} controls) to ${options.out}`);
    }
  } catch (error) {
    if (error instanceof OscalError) throw new ProfileCommandError(describeOscalError(error));
    throw error;
  }
}

/** `profile resolve`. */
export function registerProfileCommands(program: Command, io: CliIo): void {
  const profile = program.command('profile').description('work with OSCAL profiles on files');
  profile
    .command('resolve')
    .description(
      'resolve an OSCAL profile (JSON or YAML) into a catalog, printed as OSCAL JSON; imports are ' +
        "found by file name in the profile's folder and the --library folders",
    )
    .argument('<profile>', 'the profile file')
    .option(
      '--library <dir>',
      'another folder where imported catalogs and profiles may be found (repeatable)',
      (dir: string, previous: string[]) => [...previous, dir],
      [] as string[],
    )
    .option(
      '--allow-host <host>',
      'a host (name[:port]) whose https:// or http:// imports may be fetched (repeatable; none by default)',
      (host: string, previous: string[]) => [...previous, host],
      [] as string[],
    )
    .option('--out <file>', 'write the catalog to this file instead of standard output')
    .action(async (profileFile: string, options: ResolveCommandOptions) => {
      await resolveCommand(profileFile, options, io);
    });
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs `cloud-office profile ...` with only this command loaded (the fast path main.ts takes).
 * Exit codes as the full CLI: 0 success, 1 failure, 2 wrong usage.
 */
export async function runProfileCli(
  argv: readonly string[],
  io: CliIo = processIo,
): Promise<number> {
  const program = new Command('cloud-office')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    })
    .exitOverride();
  registerProfileCommands(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.err(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
