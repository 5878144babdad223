import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { createFirstOfficer } from '../../features/office/setup.js';
import * as organizations from '../../features/organizations/service.js';
import { listOrganizations } from '../../features/organizations/repo.js';
import { CliError, withContext, type CliIo } from '../io.js';
import { officerNamed, requirePower, shellRequest } from './people.js';

async function readPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin === true) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  if (!process.stdin.isTTY)
    throw new CliError('Give the password on standard input with --password-stdin.');
  const prompt = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  try {
    const first = await prompt.question('Password (12 or more characters): ');
    const again = await prompt.question('Password again: ');
    if (first !== again) throw new CliError('The two passwords differ; nothing was created.');
    return first;
  } finally {
    prompt.close();
  }
}

/** `admin create`, `org create`, `org list`. */
export function registerOfficeCommands(program: Command, io: CliIo): void {
  program
    .command('admin')
    .description('first-run administration')
    .command('create')
    .description('create the Cloud Office and its first officer (DG Cloud) on an empty database')
    .requiredOption('--email <address>', "the officer's e-mail, used to sign in")
    .requiredOption('--name <name>', "the officer's name as shown to others")
    .requiredOption('--office <name>', 'the name of the Cloud Office, e.g. "Pakistan Cloud Office"')
    .option('--password-stdin', 'read the password from standard input instead of prompting')
    .action(
      async (options: { email: string; name: string; office: string; passwordStdin?: boolean }) => {
        const password = await readPassword(options.passwordStdin);
        await withContext(async (ctx) => {
          const created = await createFirstOfficer(ctx, {
            email: options.email,
            displayName: options.name,
            officeName: options.office,
            password,
          });
          io.out(
            `Created the Cloud Office and its DG Cloud, ${options.email} (user ${created.userId}).`,
          );
          io.out(`Sign in at ${ctx.config.http.publicUrl}/ once the server runs.`);
        });
      },
    );

  const org = program.command('org').description('organizations: CSPs, PSEs and audit firms');
  org
    .command('create')
    .description(
      'create a cloud service provider, public service entity or audit firm (active at once)',
    )
    .requiredOption('--as <email>', 'the officer doing it (needs the manage_organizations power)')
    .addOption(
      new Option('--kind <kind>', 'kind of organization')
        .choices(['csp', 'pse', 'audit_firm'])
        .makeOptionMandatory(),
    )
    .requiredOption('--name <name>', 'full name')
    .option('--short-name <name>', 'short name or acronym')
    .option('--parent <id>', 'parent organization id (PSEs: the ministry, division, ...)')
    .addOption(
      new Option('--tier <tier>', 'PSE tier').choices([
        'ministry',
        'division',
        'department',
        'attached_body',
      ]),
    )
    .option('--contact-email <address>', 'contact e-mail')
    .action(
      async (options: {
        as: string;
        kind: 'csp' | 'pse' | 'audit_firm';
        name: string;
        shortName?: string;
        parent?: string;
        tier?: 'ministry' | 'division' | 'department' | 'attached_body';
        contactEmail?: string;
      }) => {
        await withContext(async (ctx) => {
          const actor = await officerNamed(ctx, options.as);
          requirePower(actor, 'manage_organizations');
          const created = await organizations.create(
            ctx,
            {
              kind: options.kind,
              name: options.name,
              shortName: options.shortName ?? null,
              parentId: options.parent ?? null,
              pseTier: options.tier ?? null,
              contactEmail: options.contactEmail ?? null,
            },
            shellRequest(actor),
          );
          io.out(`${created.id}  ${created.kind}  ${created.name}`);
        });
      },
    );

  org
    .command('list')
    .description('list organizations')
    .addOption(
      new Option('--kind <kind>', 'only this kind').choices([
        'cloud_office',
        'csp',
        'pse',
        'audit_firm',
      ]),
    )
    .option('--search <text>', 'part of the name')
    .option('--json', 'print JSON instead of a table')
    .action(
      async (options: {
        kind?: 'cloud_office' | 'csp' | 'pse' | 'audit_firm';
        search?: string;
        json?: boolean;
      }) => {
        await withContext(async (ctx) => {
          const { items } = await listOrganizations(
            ctx.db,
            { kind: options.kind, q: options.search },
            { limit: 10_000, offset: 0, sort: 'name' },
          );
          if (options.json === true) {
            io.out(
              JSON.stringify(
                items.map((row) => ({
                  id: row.id,
                  kind: row.kind,
                  name: row.name,
                  status: row.status,
                })),
                null,
                2,
              ),
            );
            return;
          }
          if (items.length === 0) io.out('No organizations.');
          for (const row of items)
            io.out(`${row.id}  ${row.kind.padEnd(12)}  ${row.status.padEnd(8)}  ${row.name}`);
        });
      },
    );
}
