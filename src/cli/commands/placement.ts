import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../../features/audit/service.js';
import { auditActor } from '../../features/identity/actor.js';
import * as service from '../../features/placement/decisions-service.js';
import { withContext, type CliIo } from '../io.js';
import { officerNamed, shellRequest } from './people.js';

/**
 * `placement check` and `placement reevaluate`: the same service as the API. The shell reaches the
 * database anyway, so it acts as the system unless --as names an officer, whose powers then apply
 * and who is recorded in the audit trail.
 */
export function registerPlacementCommands(program: Command, io: CliIo): void {
  const placement = program
    .command('placement')
    .description('placement decisions: may a system go on an offering, and re-evaluation');

  placement
    .command('check')
    .description(
      "decide now whether a system's data may go on an offering, with every rule and its clause (stored as a check)",
    )
    .requiredOption('--system <id>', 'the system (it must be classified)')
    .requiredOption('--offering <id>', 'the cloud service offering')
    .option('--json', 'print the stored decision as JSON instead of words')
    .action(async (options: { system: string; offering: string; json?: boolean }) => {
      await withContext(async (ctx) => {
        const stored = await service.checkPlacement(
          ctx,
          null,
          options.system,
          options.offering,
          shellRequest(null),
        );
        if (options.json === true) {
          const { decision, ...rest } = stored;
          io.out(JSON.stringify({ ...rest, ...decision }, null, 2));
          return;
        }
        for (const line of stored.words) io.out(line);
        io.out(
          `(decision ${stored.id}, policy version ${stored.policyVersion}, ${stored.at.slice(0, 10)})`,
        );
      });
    });

  placement
    .command('reevaluate')
    .description(
      'decide every system’s placement again now, flagging those out of policy and unflagging those back in it',
    )
    .option(
      '--as <email>',
      'the officer doing it (needs manage_organizations or decide_exemption); default: the system',
    )
    .action(async (options: { as?: string }) => {
      await withContext(async (ctx) => {
        const actor = options.as === undefined ? null : await officerNamed(ctx, options.as);
        const request = shellRequest(actor);
        let report: service.ReevaluationReport;
        try {
          report = await service.reevaluateAsOfficer(ctx, actor, request);
        } catch (error) {
          // A refusal of authority is audited, as the API's access hook does for the portal.
          if (error instanceof AppError && error.status === 403) {
            await ctx.db.transaction().execute((trx) =>
              recordAuditEvent(
                trx,
                {
                  actor: auditActor(actor),
                  action: 'access.denied',
                  outcome: 'denied',
                  target: null,
                  summary: { reason: `cloud-office placement reevaluate: ${error.message}` },
                  requestId: request.requestId,
                },
                ctx.clock,
              ),
            );
          }
          throw error;
        }
        io.out(
          `Re-evaluated ${report.evaluated} system(s) under policy version ${report.policyVersion}: ` +
            `${report.inPolicy} in policy, ${report.outOfPolicy} out of policy ` +
            `(${report.flagged} newly flagged, ${report.unflagged} back in policy), ` +
            `${report.notEvaluated} not evaluated; ${report.decisionsStored} new decision(s) stored.`,
        );
      });
    });
}
