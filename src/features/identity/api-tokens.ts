import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent, recordDeniedAttempt } from '../audit/service.js';
import { auditActor, isOfficeStaff, type Actor, type RequestContext } from './actor.js';
import * as repo from './repo.js';
import { hashToken, newToken } from './secrets.js';
import { actorForUser } from './service.js';

/**
 * Personal API tokens for automation: shown once, stored as their SHA-256, scoped (read: GET
 * only; write: changes), expiring within a year, revocable. A request with one acts as its user,
 * with the user's role and posts as they are on the day of the request.
 */

/** Every token starts with this, so that secret scanners and people can tell what it is. */
export const API_TOKEN_PREFIX = 'co_pat_';
export const API_TOKEN_SCOPES = ['read', 'write'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
export const API_TOKEN_MAX_DAYS = 365;
/** last_used_at is written at most this often, so that every request is not also a write. */
const TOUCH_EVERY_MS = 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ApiTokenStatus = 'active' | 'expired' | 'revoked';

export function apiTokenStatus(row: repo.ApiTokenRow, now: Date): ApiTokenStatus {
  if (row.revoked_at !== null) return 'revoked';
  return new Date(row.expires_at).getTime() <= now.getTime() ? 'expired' : 'active';
}

export function apiTokenScopes(row: repo.ApiTokenRow): ApiTokenScope[] {
  const parsed = JSON.parse(row.scopes) as unknown;
  return Array.isArray(parsed) ? API_TOKEN_SCOPES.filter((scope) => parsed.includes(scope)) : [];
}

/** The scope a request method needs: reading for GET (and HEAD, OPTIONS), writing for the rest. */
export function scopeForMethod(method: string): ApiTokenScope {
  return ['GET', 'HEAD', 'OPTIONS'].includes(method) ? 'read' : 'write';
}

export interface NewApiToken {
  name: string;
  scopes: readonly ApiTokenScope[];
  expiresInDays: number;
}

/**
 * Makes a token for the signed-in user and returns it with its row; the token itself is never
 * stored, so this is the only time anyone sees it. Only a session that passed the second factor
 * may do this: not another token, and not a session of a user without TOTP.
 */
export async function createApiToken(
  ctx: AppContext,
  actor: Actor,
  input: NewApiToken,
  request: RequestContext,
): Promise<{ token: string; row: repo.ApiTokenRow }> {
  if (actor.via !== 'session' || actor.sessionId === null) {
    throw new AppError(
      403,
      'session_required',
      'API tokens are made from a signed-in session; a token cannot make another.',
    );
  }
  if (!actor.secondFactorEnrolled || !actor.secondFactor) {
    throw new AppError(
      403,
      'token_needs_second_factor',
      'Personal API tokens are made only from a session that passed the second factor: enrol an ' +
        'authenticator app first (POST /api/v1/auth/totp/enrolment).',
    );
  }
  const name = input.name.trim();
  const scopes = API_TOKEN_SCOPES.filter((scope) => input.scopes.includes(scope));
  if (scopes.length === 0) {
    throw AppError.badRequest('validation_failed', 'Give the token at least one scope.', [
      { in: 'body', pointer: '/scopes', message: 'must hold read, write or both' },
    ]);
  }
  const now = ctx.clock.now();
  const token = `${API_TOKEN_PREFIX}${newToken()}`;
  const row: repo.ApiTokenRow = {
    id: randomUUID(),
    user_id: actor.userId,
    name,
    token_hash: hashToken(token),
    scopes: JSON.stringify(scopes),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString(),
    last_used_at: null,
    revoked_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertApiToken(trx, row);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'api_token.create',
        outcome: 'success',
        target: { type: 'api_token', id: row.id },
        summary: { after: { name, scopes, expiresAt: row.expires_at } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return { token, row };
}

/** The signed-in user's own tokens, newest first, revoked and expired ones included. */
export function listApiTokens(ctx: AppContext, actor: Actor): Promise<repo.ApiTokenRow[]> {
  return repo.apiTokensOfUser(ctx.db, actor.userId);
}

/**
 * Revokes a token: one's own, or anyone's for an officer with the manage_users power. Another
 * user's token answers 404, as if it did not exist (the attempt is audited). Revoking a revoked
 * token changes nothing.
 */
export async function revokeApiToken(
  ctx: AppContext,
  actor: Actor,
  id: string,
  request: RequestContext,
): Promise<repo.ApiTokenRow> {
  const notFound = AppError.notFound(`There is no API token ${JSON.stringify(id)}.`);
  const row = await repo.findApiTokenById(ctx.db, id);
  if (!row) throw notFound;
  const own = row.user_id === actor.userId;
  if (!own && !(isOfficeStaff(actor) && actor.powers.has('manage_users'))) {
    await recordDeniedAttempt(
      ctx.db,
      {
        actor: auditActor(actor),
        action: 'api_token.revoke',
        target: { type: 'api_token', id },
        summary: { reason: "another user's token, without the manage_users power" },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    throw notFound;
  }
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.revokeApiToken(trx, id, at))) return row;
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, own ? undefined : 'manage_users'),
        action: 'api_token.revoke',
        outcome: 'success',
        target: { type: 'api_token', id },
        summary: {
          before: { revokedAt: null },
          after: { revokedAt: at, ...(own ? {} : { ownerUserId: row.user_id }) },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    return { ...row, revoked_at: at };
  });
}

/** Why a bearer token was refused, for the logs; the caller hears only "token_invalid". */
export type ApiTokenRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'user_inactive';

/**
 * The actor and scopes behind a bearer token, or why it is refused. Records when the token was
 * last used, at most once a minute.
 */
export async function actorForApiToken(
  ctx: AppContext,
  token: string,
): Promise<{ actor: Actor; scopes: ApiTokenScope[] } | { refused: ApiTokenRefusal }> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return { refused: 'malformed' };
  const row = await repo.findApiTokenByHash(ctx.db, hashToken(token));
  if (!row) return { refused: 'unknown' };
  const now = ctx.clock.now();
  const status = apiTokenStatus(row, now);
  if (status !== 'active') return { refused: status };
  const actor = await actorForUser(ctx, row.user_id, {
    via: 'token',
    sessionId: null,
    apiTokenId: row.id,
    secondFactorPassed: true,
  });
  if (!actor) return { refused: 'user_inactive' };
  if (
    row.last_used_at === null ||
    now.getTime() - new Date(row.last_used_at).getTime() >= TOUCH_EVERY_MS
  ) {
    await repo.touchApiToken(ctx.db, row.id, now.toISOString());
  }
  return { actor, scopes: apiTokenScopes(row) };
}
