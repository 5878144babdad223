import os from 'node:os';
import type { Command } from 'commander';
import type { AppContext } from '../../context.js';
import { appoint } from '../../features/appointments/service.js';
import type { Actor, RequestContext } from '../../features/identity/actor.js';
import { invite } from '../../features/identity/links.js';
import { findUserByEmail } from '../../features/identity/repo.js';
import { actorForUser } from '../../features/identity/service.js';
import { listUsers, setUserEnabled } from '../../features/users/service.js';
import { CliError, withContext, type CliIo } from '../io.js';

export function shellRequest(actor: Actor | null): RequestContext {
  return { actor, requestId: `cli:${os.userInfo().username}` };
}

/**
 * The shell acts as an officer named with --as (their e-mail), so that the audit trail records
 * who did it and under which post, and the same powers apply as in the portal.
 */
export async function officerNamed(ctx: AppContext, email: string): Promise<Actor> {
  const user = await findUserByEmail(ctx.db, email.trim().toLowerCase());
  const actor =
    user &&
    (await actorForUser(ctx, user.id, {
      via: 'session',
      sessionId: null,
      secondFactorPassed: true,
    }));
  if (!actor || actor.organizationKind !== 'cloud_office') {
    throw new CliError(
      `--as ${email}: there is no active officer of the Cloud Office with that e-mail.`,
    );
  }
  return actor;
}

export function requirePower(
  actor: Actor,
  power: 'manage_users' | 'manage_appointments' | 'manage_organizations',
): void {
  if (!actor.powers.has(power)) {
    throw new CliError(
      `${actor.email} does not hold the ${power} power today (through any post they hold).`,
    );
  }
}

/** `user invite|list|disable|enable` and `appoint`. */
export function registerPeopleCommands(program: Command, io: CliIo): void {
  const user = program.command('user').description('user accounts');
  user
    .command('invite')
    .description(
      'invite a person into an organization; prints the invitation link and e-mails it if SMTP is set',
    )
    .requiredOption('--as <email>', 'the officer doing it (needs the manage_users power)')
    .requiredOption('--org <id>', 'organization id (see `cloud-office org list`)')
    .requiredOption('--email <address>', "the person's e-mail")
    .requiredOption('--name <name>', "the person's name")
    .requiredOption('--role <role>', 'their role, e.g. csp_admin, pse_data_owner, auditor, officer')
    .action(
      async (options: { as: string; org: string; email: string; name: string; role: string }) => {
        await withContext(async (ctx) => {
          const actor = await officerNamed(ctx, options.as);
          requirePower(actor, 'manage_users');
          const result = await invite(
            ctx,
            actor,
            {
              organizationId: options.org,
              email: options.email,
              displayName: options.name,
              role: options.role,
            },
            shellRequest(actor),
          );
          io.out(
            `Invited ${result.user.email} (user ${result.user.id}); the link works once, until ${result.expiresAt}:`,
          );
          io.out(`  ${result.url}`);
          io.out(
            ctx.mailer.enabled
              ? 'It is also queued for e-mail.'
              : 'E-mail is off (SMTP_URL unset): give the link to the person yourself.',
          );
        });
      },
    );

  user
    .command('list')
    .description('list users')
    .option('--org <id>', 'only this organization')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { org?: string; json?: boolean }) => {
      await withContext(async (ctx) => {
        const { items } = await listUsers(
          ctx,
          { organizationId: options.org },
          { limit: 10_000, offset: 0 },
        );
        if (options.json === true) {
          io.out(
            JSON.stringify(
              items.map((u) => ({
                id: u.id,
                email: u.email,
                role: u.role,
                status: u.status,
                organizationId: u.organization_id,
              })),
              null,
              2,
            ),
          );
          return;
        }
        if (items.length === 0) io.out('No users.');
        for (const u of items)
          io.out(`${u.id}  ${u.status.padEnd(8)}  ${u.role.padEnd(20)}  ${u.email}`);
      });
    });

  for (const enabled of [false, true]) {
    user
      .command(enabled ? 'enable' : 'disable')
      .description(
        enabled ? 'enable a disabled account' : 'disable an account and end its sessions',
      )
      .requiredOption('--as <email>', 'the officer doing it (needs the manage_users power)')
      .requiredOption('--email <address>', 'the account')
      .action(async (options: { as: string; email: string }) => {
        await withContext(async (ctx) => {
          const actor = await officerNamed(ctx, options.as);
          const target = await findUserByEmail(ctx.db, options.email.trim().toLowerCase());
          if (!target) throw new CliError(`There is no user ${options.email}.`);
          const updated = await setUserEnabled(ctx, actor, target.id, enabled, shellRequest(actor));
          io.out(`${updated.email} is now ${updated.status}.`);
        });
      });
  }

  program
    .command('appoint')
    .description('appoint an officer to a post of the Cloud Office for a period')
    .requiredOption('--as <email>', 'the officer doing it (needs the manage_appointments power)')
    .requiredOption('--email <address>', 'the officer to appoint')
    .requiredOption('--position <code>', 'the post, e.g. dg_cloud, director_audits')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .option('--to <date>', 'last day, YYYY-MM-DD (none: until ended)')
    .option('--additional-charge', 'held beside their own post')
    .option('--note <text>', 'a note, e.g. the notification number')
    .action(
      async (options: {
        as: string;
        email: string;
        position: string;
        from: string;
        to?: string;
        additionalCharge?: boolean;
        note?: string;
      }) => {
        await withContext(async (ctx) => {
          const actor = await officerNamed(ctx, options.as);
          requirePower(actor, 'manage_appointments');
          const target = await findUserByEmail(ctx.db, options.email.trim().toLowerCase());
          if (!target) throw new CliError(`There is no user ${options.email}.`);
          const created = await appoint(
            ctx,
            {
              userId: target.id,
              positionCode: options.position,
              startsOn: options.from,
              endsOn: options.to ?? null,
              additionalCharge: options.additionalCharge === true,
              note: options.note ?? null,
            },
            shellRequest(actor),
          );
          io.out(
            `${created.userEmail} holds ${created.positionTitle}${created.additionalCharge ? ' (additional charge)' : ''} ` +
              `from ${created.startsOn}${created.endsOn ? ` to ${created.endsOn}` : ''} (appointment ${created.id}).`,
          );
        });
      },
    );
}
