import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { DeploymentModel, ServiceModel } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { REGISTER_STATUSES, type RegisterStatus } from '../../features/register/history.js';
import type { Residency } from '../../features/register/repo.js';
import * as register from '../../features/register/service.js';
import { CliError, oneOf, withContext, type CliIo } from '../io.js';

const FORMATS = ['csv', 'json'] as const;
const RESIDENCIES = ['in_country', 'outside'] as const satisfies readonly Residency[];
const SERVICE_MODELS = ['iaas', 'paas', 'saas'] as const satisfies readonly ServiceModel[];
const DEPLOYMENT_MODELS = [
  'public',
  'government',
  'private',
  'hybrid',
] as const satisfies readonly DeploymentModel[];

interface ExportOptions {
  format: string;
  out?: string;
  level?: string;
  status?: string;
  residency?: string;
  serviceModel?: string;
  deploymentModel?: string;
}

/** Where the export goes: standard output, or a file that appears whole or not at all. */
function sinkFor(out: string | undefined): {
  write: (chunk: string) => void;
  finish: () => string | undefined;
  abandon: () => void;
} {
  if (out === undefined) {
    return {
      write: (chunk) => process.stdout.write(chunk),
      finish: () => undefined,
      abandon: () => undefined,
    };
  }
  const file = path.resolve(out);
  // Written beside the target and renamed, so a failed export leaves no half file.
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  let fd: number;
  try {
    fd = fs.openSync(partial, 'wx');
  } catch (error) {
    throw new CliError(`Cannot write ${file}: ${(error as Error).message}`);
  }
  return {
    write: (chunk) => fs.writeSync(fd, chunk),
    finish: () => {
      fs.closeSync(fd);
      fs.renameSync(partial, file);
      return file;
    },
    abandon: () => {
      fs.closeSync(fd);
      fs.rmSync(partial, { force: true });
    },
  };
}

/** `register export`: the public register from the shell, as the API's CSV or as JSON. */
export function registerRegisterCommands(program: Command, io: CliIo): void {
  const group = program
    .command('register')
    .description('the public register of accredited cloud offerings');

  group
    .command('export')
    .description(
      'write every offering on the register matching the filters, by name, as CSV or JSON',
    )
    .requiredOption('--format <format>', 'csv (as GET /api/v1/register.csv) or json')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--level <code>', 'only this security level, e.g. baseline')
    .option('--status <status>', `only this status: ${REGISTER_STATUSES.join(', ')}`)
    .option(
      '--residency <where>',
      'in_country (all customer data in OFFICE_COUNTRY) or outside (some of it elsewhere)',
    )
    .option('--service-model <model>', `only this service model: ${SERVICE_MODELS.join(', ')}`)
    .option(
      '--deployment-model <model>',
      `only this deployment model: ${DEPLOYMENT_MODELS.join(', ')}`,
    )
    .action(async (options: ExportOptions, command: Command) => {
      const format = oneOf(command, '--format', options.format, FORMATS);
      const query: register.RegisterQuery = {
        level: options.level,
        status: oneOf<RegisterStatus>(command, '--status', options.status, REGISTER_STATUSES),
        residency: oneOf(command, '--residency', options.residency, RESIDENCIES),
        serviceModel: oneOf(command, '--service-model', options.serviceModel, SERVICE_MODELS),
        deploymentModel: oneOf(
          command,
          '--deployment-model',
          options.deploymentModel,
          DEPLOYMENT_MODELS,
        ),
      };
      await withContext(async (ctx) => {
        let batches: Awaited<ReturnType<typeof register.exportEntries>>;
        try {
          batches = await register.exportEntries(ctx, query);
        } catch (error) {
          // An unknown level is a wrong option value, like the others.
          if (error instanceof AppError && error.code === 'unknown_level') {
            command.error(`error: --level: ${error.message}`, { exitCode: 2 });
          }
          throw error;
        }
        const sink = sinkFor(options.out);
        let count = 0;
        try {
          if (format === 'csv') {
            count = await register.writeCsv(batches, (chunk) => {
              sink.write(chunk);
              return Promise.resolve();
            });
          } else {
            // One entry per line inside the array: valid JSON that streams and diffs well.
            sink.write('[');
            for await (const items of batches) {
              for (const item of items) {
                sink.write(`${count === 0 ? '\n' : ',\n'}${JSON.stringify(item)}`);
                count += 1;
              }
            }
            sink.write(count === 0 ? ']\n' : '\n]\n');
          }
        } catch (error) {
          sink.abandon();
          throw error;
        }
        const file = sink.finish();
        if (file !== undefined) {
          io.out(
            `Exported ${count} ${count === 1 ? 'offering' : 'offerings'} as ${format === 'csv' ? 'CSV' : 'JSON'} to ${file}`,
          );
        }
      });
    });
}
