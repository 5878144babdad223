import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import type { RequestContext } from '../identity/actor.js';
import { countUsers, findUserByEmail, insertUser } from '../identity/repo.js';
import {
  hashPassword,
  hashToken,
  newToken,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '../identity/secrets.js';
import { normalizeEmail } from '../identity/service.js';
import { insertOrganization } from '../organizations/repo.js';
import { DEFAULT_POSITIONS, dayOf } from './positions.js';
import { writePhase } from './service.js';

/** A setup link works for a day; every start on an empty database prints a fresh one. */
const SETUP_LINK_MS = 24 * 60 * 60 * 1000;

export interface FirstOfficerInput {
  officeName: string;
  displayName: string;
  email: string;
  password: string;
}

/**
 * On a database with no users, makes a one-time setup link and returns it; otherwise null.
 * Only the link's hash is stored, so the link exists only where it is printed.
 */
export async function issueSetupLink(ctx: AppContext): Promise<string | null> {
  if ((await countUsers(ctx.db)) > 0) return null;
  const token = newToken();
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('one_time_tokens')
    .values({
      id: randomUUID(),
      purpose: 'setup',
      token_hash: hashToken(token),
      user_id: null,
      created_by: null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SETUP_LINK_MS).toISOString(),
      used_at: null,
    })
    .execute();
  // The token rides in the fragment, which browsers never send to servers or put in Referer headers.
  return `${ctx.config.http.publicUrl}/setup#token=${token}`;
}

export async function setupNeeded(ctx: AppContext): Promise<boolean> {
  return (await countUsers(ctx.db)) === 0;
}

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw AppError.badRequest(
      'password_too_weak',
      `A password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long; a few unrelated words make a good one.`,
      [
        {
          in: 'body',
          pointer: '/password',
          message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
        },
      ],
    );
  }
}

/** Completes first-run setup through a setup link: the Cloud Office, its posts, and the DG Cloud. */
export async function completeSetup(
  ctx: AppContext,
  input: FirstOfficerInput & { token: string },
  request: RequestContext,
): Promise<{ userId: string; organizationId: string }> {
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    const link = await trx
      .selectFrom('one_time_tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(input.token))
      .where('purpose', '=', 'setup')
      .executeTakeFirst();
    if (!link)
      throw new AppError(
        400,
        'setup_link_invalid',
        'This setup link is not valid. Use the newest link the server printed.',
      );
    if (link.used_at !== null)
      throw new AppError(410, 'setup_link_used', 'This setup link has already been used.');
    if (new Date(link.expires_at).getTime() <= ctx.clock.now().getTime()) {
      throw new AppError(
        410,
        'setup_link_expired',
        'This setup link has expired. Restart the server to print a new one.',
      );
    }
    await trx
      .updateTable('one_time_tokens')
      .set({ used_at: ctx.clock.now().toISOString() })
      .where('id', '=', link.id)
      .execute();
    return createOfficeAndOfficer(trx, ctx, input, passwordHash, request);
  });
}

/** `cloud-office admin create`: the same as the setup link, from the shell. */
export async function createFirstOfficer(
  ctx: AppContext,
  input: FirstOfficerInput,
): Promise<{ userId: string; organizationId: string }> {
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  return ctx.db
    .transaction()
    .execute((trx) =>
      createOfficeAndOfficer(trx, ctx, input, passwordHash, { actor: null, requestId: null }),
    );
}

async function createOfficeAndOfficer(
  trx: Transaction<Database>,
  ctx: AppContext,
  input: FirstOfficerInput,
  passwordHash: string,
  request: RequestContext,
): Promise<{ userId: string; organizationId: string }> {
  if ((await countUsers(trx)) > 0) {
    throw AppError.conflict(
      'already_set_up',
      'Cloud Office is already set up; sign in, or ask an officer to invite you.',
    );
  }
  const email = normalizeEmail(input.email);
  if (await findUserByEmail(trx, email))
    throw AppError.conflict('email_taken', `${email} already has an account.`);
  const at = ctx.clock.now().toISOString();
  const officeName = input.officeName.trim().replace(/\s+/g, ' ');
  const existingOffice = await trx
    .selectFrom('organizations')
    .select('id')
    .where('kind', '=', 'cloud_office')
    .executeTakeFirst();
  const organizationId = existingOffice?.id ?? randomUUID();
  if (!existingOffice) {
    await insertOrganization(trx, {
      id: organizationId,
      kind: 'cloud_office',
      name: officeName,
      status: 'active',
      created_at: at,
    });
    // The reference policy began with an interim office for six months; the DG Cloud changes it.
    const sixMonths = new Date(ctx.clock.now());
    sixMonths.setUTCMonth(sixMonths.getUTCMonth() + 6);
    await writePhase(trx, { phase: 'interim', interimEndsOn: dayOf(sixMonths) }, at);
    await trx
      .insertInto('positions')
      .values(
        DEFAULT_POSITIONS.map((position) => ({
          id: randomUUID(),
          code: position.code,
          title: position.title,
          powers: JSON.stringify(position.powers),
          rank: position.rank,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
  }
  const userId = randomUUID();
  await insertUser(trx, {
    id: userId,
    organization_id: organizationId,
    email,
    display_name: input.displayName.trim(),
    role: 'officer',
    status: 'active',
    password_hash: passwordHash,
    created_at: at,
  });
  const dg = await trx
    .selectFrom('positions')
    .select('id')
    .where('code', '=', 'dg_cloud')
    .executeTakeFirstOrThrow();
  const appointmentId = randomUUID();
  await trx
    .insertInto('appointments')
    .values({
      id: appointmentId,
      user_id: userId,
      position_id: dg.id,
      starts_on: dayOf(ctx.clock.now()),
      ends_on: null,
      additional_charge: 0,
      note: 'First officer, appointed at setup',
      created_at: at,
      updated_at: at,
    })
    .execute();
  const actor = { userId, email, organizationId, position: 'DG Cloud' };
  for (const [action, target, after] of [
    [
      'office.setup',
      { type: 'organization', id: organizationId },
      { officeName, positions: DEFAULT_POSITIONS.length },
    ],
    ['user.create', { type: 'user', id: userId }, { email, role: 'officer' }],
    [
      'appointment.create',
      { type: 'appointment', id: appointmentId },
      { position: 'dg_cloud', userId },
    ],
  ] as const) {
    await recordAuditEvent(
      trx,
      {
        actor,
        action,
        outcome: 'success',
        target,
        summary: { after },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  }
  return { userId, organizationId };
}
