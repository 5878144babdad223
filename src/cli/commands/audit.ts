import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import {
  parseAuditFilter,
  verifyAuditTrail,
  writeAuditEventsCsv,
  type AuditListQuery,
  type ChainProblem,
} from '../../features/audit/service.js';
import { CliError, withContext, type CliIo } from '../io.js';

interface ExportOptions {
  out?: string;
  from?: string;
  to?: string;
  action?: string;
  outcome?: string;
  actorUser?: string;
  actorOrganization?: string;
  targetType?: string;
  targetId?: string;
}

/** How a broken trail is reported: the first bad event, then what is wrong with it. */
export function describeChainProblem(problem: ChainProblem): string {
  const where = problem.event
    ? `event ${problem.seq} (id ${problem.event.id}, ${problem.event.action} at ${problem.event.occurred_at})`
    : `event ${problem.seq}`;
  return `Audit trail broken at ${where}: ${problem.message}.`;
}

/** Writes and waits until the chunk is handed on, so a slow reader holds the export back. */
function writerFor(stream: Writable): (chunk: string) => Promise<void> {
  return (chunk) =>
    new Promise((resolve, reject) => {
      stream.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
}

/** `audit verify` and `audit export`. */
export function registerAuditCommands(program: Command, io: CliIo): void {
  const audit = program.command('audit').description('check and export the audit trail');

  audit
    .command('verify')
    .description(
      'check every audit event against the hash chain; exit 1 naming the first bad event',
    )
    .action(async () => {
      await withContext(async (ctx) => {
        const verdict = await verifyAuditTrail(ctx.db);
        if (!verdict.ok) throw new CliError(describeChainProblem(verdict.problem));
        io.out(`Audit trail intact: ${verdict.count} events, last hash ${verdict.last.hash}`);
      });
    });

  audit
    .command('export')
    .description('write the audit trail as CSV, oldest first, to standard output or a file')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--from <time>', 'only events at or after this ISO-8601 date or time (UTC)')
    .option('--to <time>', 'only events before this ISO-8601 date or time (UTC)')
    .option('--action <action>', 'only this action, or actions under a dotted prefix')
    .option('--outcome <outcome>', 'only success or denied')
    .option('--actor-user <id>', "only this user's acts")
    .option('--actor-organization <id>', "only acts by this organization's people")
    .option('--target-type <type>', 'only events about this kind of thing')
    .option('--target-id <id>', 'only events about this thing')
    .action(async (options: ExportOptions, command: Command) => {
      const query: AuditListQuery = {
        ...(options.from === undefined ? {} : { from: options.from }),
        ...(options.to === undefined ? {} : { to: options.to }),
        ...(options.action === undefined ? {} : { action: options.action }),
        ...(options.outcome === undefined ? {} : { outcome: options.outcome }),
        ...(options.actorUser === undefined ? {} : { actorUserId: options.actorUser }),
        ...(options.actorOrganization === undefined
          ? {}
          : { actorOrganizationId: options.actorOrganization }),
        ...(options.targetType === undefined ? {} : { targetType: options.targetType }),
        ...(options.targetId === undefined ? {} : { targetId: options.targetId }),
      };
      try {
        parseAuditFilter(query);
      } catch (error) {
        // A wrong option is wrong usage (exit 2), found before the database is opened.
        if (error instanceof AppError) command.error(`error: ${error.message}`, { exitCode: 2 });
        throw error;
      }
      await withContext(async (ctx) => {
        if (options.out === undefined) {
          // CSV is data, not lines of messages: straight to stdout, with the CRLFs of RFC 4180.
          await writeAuditEventsCsv(ctx.db, query, writerFor(process.stdout));
          return;
        }
        const file = path.resolve(options.out);
        // Written beside the target and renamed at the end, so a failed export leaves no half file.
        const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
        let stream: fs.WriteStream;
        try {
          stream = fs.createWriteStream(partial, { flags: 'wx' });
          await new Promise<void>((resolve, reject) => {
            stream.once('open', () => resolve()).once('error', reject);
          });
        } catch (error) {
          throw new CliError(`Cannot write ${file}: ${(error as Error).message}`);
        }
        try {
          const count = await writeAuditEventsCsv(ctx.db, query, writerFor(stream));
          await new Promise<void>((resolve, reject) => {
            stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
          });
          fs.renameSync(partial, file);
          io.out(`Exported ${count} audit events to ${file}`);
        } catch (error) {
          stream.destroy();
          fs.rmSync(partial, { force: true });
          throw error;
        }
      });
    });
}
