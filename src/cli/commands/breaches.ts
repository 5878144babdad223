import type { Command } from 'commander';
import type { BreachStatus } from '../../db/schema.js';
import { allBreaches } from '../../features/duties/breaches-repo.js';
import { BREACH_STATUSES } from '../../features/duties/breaches-service.js';
import { CSV_HEADER, csvRow, presentSummary } from '../../features/duties/routes.js';
import { csvRecord } from '../../features/audit/csv.js';
import { runDutyCheck } from '../../jobs/duties.js';
import { oneOf, withContext, type CliIo } from '../io.js';

const LIST_FORMATS = ['table', 'csv', 'json'] as const;

/**
 * `breaches check` runs the duty check once, as the hourly job does (the same function, so the
 * same once-per-failure guarantee against a server running it at the same moment);
 * `breaches list` reads every breach, as the system: the shell reaches the database anyway.
 */
export function registerBreachCommands(program: Command, io: CliIo): void {
  const breaches = program
    .command('breaches')
    .description('breaches of duty: run the duty check, list what it and officers recorded');

  breaches
    .command('check')
    .description(
      'run the duty check once: every measurable duty of the policy in force, one breach per failure not yet recorded',
    )
    .action(async () => {
      await withContext(async (ctx) => {
        const result = await runDutyCheck(ctx);
        io.out(
          `Checked the duties of policy version ${result.policyVersion} at ${result.checkedAt}: ` +
            `${result.failures} failure(s) found, ${result.opened} new breach(es) opened` +
            (result.failures > result.opened
              ? `, ${result.failures - result.opened} already recorded.`
              : '.'),
        );
      });
    });

  breaches
    .command('list')
    .description('every breach, newest detected first')
    .option('--status <status>', `only this status: ${BREACH_STATUSES.join(', ')}`)
    .option('--format <format>', 'table (default), csv (as GET /api/v1/breaches.csv) or json')
    .action(async (options: { status?: string; format?: string }, command: Command) => {
      const format = oneOf(command, '--format', options.format, LIST_FORMATS) ?? 'table';
      const status = oneOf<BreachStatus>(command, '--status', options.status, BREACH_STATUSES);
      await withContext(async (ctx) => {
        const filters = status === undefined ? {} : { status };
        if (format === 'csv') process.stdout.write(csvRecord(CSV_HEADER));
        const summaries = [];
        let count = 0;
        for await (const batch of allBreaches(ctx.db, filters)) {
          for (const row of batch) {
            count += 1;
            if (format === 'csv') process.stdout.write(csvRow(row));
            else if (format === 'json') summaries.push(presentSummary(row));
            else
              io.out(
                `${row.id}  ${row.detected_at.slice(0, 16).replace('T', ' ')}  ${row.status.padEnd(12)}  ` +
                  `${row.severity.padEnd(8)}  ${row.duty_code}  (${row.organization_name})`,
              );
          }
        }
        if (format === 'json') io.out(JSON.stringify(summaries, null, 2));
        else if (format === 'table' && count === 0) io.out('No breaches.');
      });
    });
}
