import type { Command } from 'commander';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../../features/audit/service.js';
import { recordOf } from '../../features/accreditation/mapper.js';
import * as repo from '../../features/accreditation/repo.js';
import * as service from '../../features/accreditation/service.js';
import { STATUSES, type AccreditationStatus } from '../../features/accreditation/workflow.js';
import { auditActor, type Actor } from '../../features/identity/actor.js';
import { dayOf } from '../../features/office/positions.js';
import { CliError, withContext, type CliIo } from '../io.js';
import { officerNamed, shellRequest } from './people.js';

/** "text@YYYY-MM-DD" from the command line, as a condition. */
export function parseCondition(value: string): service.ConditionInput {
  const at = value.lastIndexOf('@');
  const text = at < 0 ? '' : value.slice(0, at).trim();
  const dueOn = at < 0 ? '' : value.slice(at + 1).trim();
  if (text === '' || !/^\d{4}-\d{2}-\d{2}$/.test(dueOn)) {
    throw new CliError(
      `--condition ${JSON.stringify(value)}: write it as "what must be done@YYYY-MM-DD" (the due date after the last @).`,
    );
  }
  return { text, dueOn };
}

/**
 * Takes one workflow step as the officer named by --as. A refusal of authority is written to the
 * audit trail, as the API's access hook does for the portal, before the message is printed.
 */
async function step(
  ctx: AppContext,
  io: CliIo,
  email: string,
  id: string,
  action: service.PersonAction,
  input: service.ActionInput,
): Promise<void> {
  const actor: Actor = await officerNamed(ctx, email);
  const request = shellRequest(actor);
  try {
    const row = await service.act(ctx, actor, id, action, input, request);
    const record = recordOf(row);
    const grant = record.grant;
    io.out(
      `${record.id}: ${record.status}` +
        (grant && record.status !== 'refused'
          ? ` at ${grant.level.code}, valid ${grant.validFrom} to ${grant.validUntil}`
          : '') +
        (record.suspension && record.status === 'suspended'
          ? ` (from ${record.suspension.effectiveOn}: ${record.suspension.reason})`
          : ''),
    );
  } catch (error) {
    if (error instanceof AppError && error.status === 403) {
      await ctx.db.transaction().execute((trx) =>
        recordAuditEvent(
          trx,
          {
            actor: auditActor(actor),
            action: 'access.denied',
            outcome: 'denied',
            target: { type: 'application', id },
            summary: { reason: `cloud-office accreditation ${action}: ${error.message}` },
            requestId: request.requestId,
          },
          ctx.clock,
        ),
      );
    }
    throw error;
  }
}

/** `accreditation list|show|decide|suspend|reinstate|revoke`: the DG Cloud's steps from the shell. */
export function registerAccreditationCommands(program: Command, io: CliIo): void {
  const accreditation = program
    .command('accreditation')
    .description('accreditation applications and decisions (the same workflow as the portal)');

  accreditation
    .command('list')
    .description('applications and accreditations, latest change first')
    .option('--status <status>', `only this status (${STATUSES.join(', ')})`)
    .option('--offering <id>', 'only this offering')
    .option('--json', 'print JSON instead of lines')
    .action(async (options: { status?: string; offering?: string; json?: boolean }) => {
      if (
        options.status !== undefined &&
        !STATUSES.includes(options.status as AccreditationStatus)
      ) {
        throw new CliError(
          `--status ${JSON.stringify(options.status)}: expected one of ${STATUSES.join(', ')}.`,
        );
      }
      await withContext(async (ctx) => {
        const { rows } = await repo.listApplications(
          ctx.db,
          { status: options.status, offeringId: options.offering },
          { limit: 100_000, offset: 0 },
        );
        const names = await repo.namesFor(ctx.db, rows);
        const records = rows.map((row) => ({ ...recordOf(row), ...names.get(row.offering_id) }));
        if (options.json === true) {
          io.out(JSON.stringify(records, null, 2));
          return;
        }
        if (records.length === 0) io.out('No applications.');
        for (const r of records) {
          io.out(
            `${r.id}  ${r.status.padEnd(17)}  ${(r.grant?.level.code ?? r.levelSought.code).padEnd(12)}  ` +
              `${r.grant?.validUntil ?? '-'.padEnd(10)}  ${r.offeringName ?? ''} (${r.providerName ?? ''})`,
          );
        }
      });
    });

  accreditation
    .command('decide')
    .description('the DG Cloud decides an application awaiting decision: grant or refuse')
    .argument('<application>', 'the application id (see `cloud-office accreditation list`)')
    .requiredOption('--as <email>', 'the officer deciding (needs the decide_accreditation power)')
    .option('--grant <level>', 'accredit at this level (the level sought or lower)')
    .option('--valid-until <date>', 'with --grant: the last valid day, YYYY-MM-DD')
    .option(
      '--condition <text@date>',
      'with --grant: a condition and its due date; repeat for several',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--refuse <reason>',
      'refuse, with a reason; repeat for several',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(
      async (
        id: string,
        options: {
          as: string;
          grant?: string;
          validUntil?: string;
          condition: string[];
          refuse: string[];
        },
      ) => {
        const granting = options.grant !== undefined;
        const refusing = options.refuse.length > 0;
        if (granting === refusing) {
          throw new CliError(
            'Say what is decided: --grant LEVEL --valid-until YYYY-MM-DD, or --refuse "reason".',
          );
        }
        if (granting && options.validUntil === undefined) {
          throw new CliError('--grant needs --valid-until YYYY-MM-DD (the last valid day).');
        }
        const conditions = options.condition.map(parseCondition);
        await withContext((ctx) =>
          granting
            ? step(ctx, io, options.as, id, 'accredit', {
                level: options.grant,
                validUntil: options.validUntil,
                conditions,
              })
            : step(ctx, io, options.as, id, 'refuse', { reasons: options.refuse }),
        );
      },
    );

  accreditation
    .command('suspend')
    .description('suspend an accreditation, from today or a later date')
    .argument('<application>', 'the accreditation (application) id')
    .requiredOption('--as <email>', 'the officer (needs the decide_accreditation power)')
    .requiredOption('--reason <reason>', 'why, for the provider and the public register')
    .option('--effective <date>', 'the first day of the suspension, YYYY-MM-DD (default today)')
    .action(async (id: string, options: { as: string; reason: string; effective?: string }) => {
      await withContext((ctx) =>
        step(ctx, io, options.as, id, 'suspend', {
          reason: options.reason,
          effectiveOn: options.effective ?? dayOf(ctx.clock.now()),
        }),
      );
    });

  accreditation
    .command('reinstate')
    .description('lift a suspension (not after the validity has ended)')
    .argument('<application>', 'the accreditation (application) id')
    .requiredOption('--as <email>', 'the officer (needs the decide_accreditation power)')
    .requiredOption('--reason <reason>', 'why')
    .option(
      '--condition <text@date>',
      'a new condition and its due date; repeat for several',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (id: string, options: { as: string; reason: string; condition: string[] }) => {
      const conditions = options.condition.map(parseCondition);
      await withContext((ctx) =>
        step(ctx, io, options.as, id, 'reinstate', { reason: options.reason, conditions }),
      );
    });

  accreditation
    .command('revoke')
    .description('revoke an accreditation (final: the provider must apply anew)')
    .argument('<application>', 'the accreditation (application) id')
    .requiredOption('--as <email>', 'the officer (needs the decide_accreditation power)')
    .requiredOption('--reason <reason>', 'why, for the provider and the public register')
    .action(async (id: string, options: { as: string; reason: string }) => {
      await withContext((ctx) =>
        step(ctx, io, options.as, id, 'revoke', { reason: options.reason }),
      );
    });
}
