import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { OrganizationKind } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { App } from '../../http/app.js';
import { recordAuditEvent } from '../audit/service.js';
import { DEFAULT_POSITIONS, type Power } from '../office/positions.js';
import { auditActor, isOfficeStaff, type Actor, type RequestContext } from './actor.js';
import { actorForApiToken, scopeForMethod } from './api-tokens.js';
import { resourceOwner, type ResourceType } from './resources.js';
import type { Role } from './roles.js';
import { actorForSession, csrfMatches } from './service.js';

export const SESSION_COOKIE = 'cloud_office_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Who may call a route. Every route under /api/v1 must declare one; the server refuses to start otherwise. */
export type AccessRule =
  | { kind: 'public' }
  | {
      kind: 'signed-in';
      organizationKinds?: readonly OrganizationKind[];
      roles?: readonly Role[];
      power?: Power;
      /**
       * For the few routes a user needs before passing the second factor, or before enrolling
       * one where it is required (sign out, TOTP).
       */
      beforeSecondFactor?: boolean;
      /** Refused to personal API tokens: a signed-in session only (making tokens, TOTP, sign-out). */
      sessionOnly?: boolean;
    };

/** The record a route's path parameter names, checked for tenant separation before the handler runs. */
export interface ResourceRef {
  type: ResourceType;
  param: string;
}

export const access = {
  public: { kind: 'public' } as AccessRule,
  signedIn: (
    options: Omit<Extract<AccessRule, { kind: 'signed-in' }>, 'kind'> = {},
  ): AccessRule => ({
    kind: 'signed-in',
    ...options,
  }),
};

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule;
    resource?: ResourceRef;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface DeclaredRoute {
  method: string;
  url: string;
  access: AccessRule;
  resource: ResourceRef | undefined;
}

const declared = new WeakMap<object, DeclaredRoute[]>();

/** Every /api/v1 route of an app with its access rule, for the test that walks them all. */
export function declaredRoutes(app: App): readonly DeclaredRoute[] {
  return declared.get(app) ?? [];
}

/** The request's actor and id, as services take them. */
export function requestContext(request: FastifyRequest): RequestContext {
  return { actor: request.actor, requestId: request.id };
}

/** The signed-in actor of a route whose access rule requires one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError(401, 'sign_in_required', 'Sign in to do this.');
  return request.actor;
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ \t]+(\S*)[ \t]*$/i.exec(header);
  return match ? (match[1] ?? '') : undefined;
}

/**
 * Access control in one place. Every /api/v1 route declares an access rule (and, if its path
 * names a record, which kind), and these hooks enforce them before any handler runs:
 * authentication (a session cookie, with its CSRF token for unsafe methods; or, without a cookie,
 * a personal API token as a bearer token, whose scope must allow the method and which needs no
 * CSRF token since browsers never attach it on their own), the second factor, the rule's
 * organization kinds, roles and powers, and tenant separation: a user outside the Cloud Office
 * asking for another organization's record gets the same 404 as for a record that does not exist.
 * Refusals of signed-in users are written to the audit trail.
 */
export function registerAccessControl(app: App, ctx: AppContext): void {
  app.decorateRequest('actor', null);

  const routes: DeclaredRoute[] = [];
  declared.set(app, routes);
  const authenticate = async (request: FastifyRequest): Promise<void> => {
    const rule = request.routeOptions.config.access;
    if (!rule) return;
    // Cookies are parsed here, for the routes that use them, not on every request (health probes).
    request.cookies = app.parseCookie(request.headers.cookie ?? '');
    const cookie = request.cookies[SESSION_COOKIE];
    const bearer = cookie ? undefined : bearerToken(request.headers.authorization);
    let actor: Actor;
    if (bearer !== undefined) {
      // Public routes answer the same to everyone; a token is looked at only where it matters.
      if (rule.kind === 'public') return;
      const found = await actorForApiToken(ctx, bearer);
      if ('refused' in found) {
        request.log.info({ refused: found.refused }, 'API token refused');
        throw new AppError(
          401,
          'token_invalid',
          'This API token is not valid: it is unknown, expired or revoked, or its user can no longer sign in.',
        );
      }
      actor = found.actor;
      request.actor = actor;
      if (rule.sessionOnly === true) {
        await deny(ctx, request, 'API token on a route for signed-in sessions only');
        throw new AppError(
          403,
          'session_required',
          'This needs a signed-in session; API tokens may not do it.',
        );
      }
      const scope = scopeForMethod(request.method);
      if (!found.scopes.includes(scope)) {
        await deny(ctx, request, `API token without the ${scope} scope`);
        throw new AppError(
          403,
          'token_scope',
          `This API token has the scope ${found.scopes.join(' and ')}; ${request.method} needs ${scope}.`,
        );
      }
    } else {
      const session = cookie ? await actorForSession(ctx, cookie) : null;
      request.actor = session?.actor ?? null;
      if (rule.kind === 'public') return;

      if (!session)
        throw new AppError(
          401,
          'sign_in_required',
          'Sign in to do this; your session may have ended.',
        );
      actor = session.actor;
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers[CSRF_HEADER];
        if (!csrfMatches(session.csrfToken, typeof sent === 'string' ? sent : undefined)) {
          await deny(ctx, request, 'missing or wrong CSRF token');
          throw new AppError(
            403,
            'csrf_token_invalid',
            `Send the session's CSRF token in the ${CSRF_HEADER} header.`,
          );
        }
      }
    }
    if (actor.secondFactorEnrolmentRequired && rule.beforeSecondFactor !== true) {
      throw new AppError(
        401,
        'second_factor_enrolment_required',
        'Cloud Office accounts need a second factor: enrol an authenticator app ' +
          '(POST /api/v1/auth/totp/enrolment, then /confirm with a code) before anything else.',
      );
    }
    if (!actor.secondFactor && rule.beforeSecondFactor !== true) {
      throw new AppError(
        401,
        'second_factor_required',
        'Enter the code from your authenticator app to finish signing in.',
      );
    }
    if (rule.organizationKinds && !rule.organizationKinds.includes(actor.organizationKind)) {
      await deny(ctx, request, `organization kind ${actor.organizationKind} not allowed`);
      throw new AppError(403, 'forbidden', 'Your organization may not do this.');
    }
    if (rule.roles && !rule.roles.includes(actor.role)) {
      await deny(ctx, request, `role ${actor.role} not allowed`);
      throw new AppError(
        403,
        'forbidden',
        `Your role (${actor.role}) may not do this; it needs one of: ${rule.roles.join(', ')}.`,
      );
    }
    if (rule.power && !actor.powers.has(rule.power)) {
      const holders = DEFAULT_POSITIONS.filter((p) => p.powers.includes(rule.power as Power)).map(
        (p) => p.title,
      );
      await deny(ctx, request, `power ${rule.power} not held`);
      throw new AppError(
        403,
        'forbidden',
        `This needs the power "${rule.power}", which comes with posts such as ${holders.join(', ')}; ` +
          'you hold none of them today.',
      );
    }
  };

  // A refusal decided by a service (a rule about the particular record) is audited here, once.
  const auditRefusal = async (
    request: FastifyRequest,
    _reply: unknown,
    error: Error,
  ): Promise<void> => {
    if (
      error instanceof AppError &&
      error.status === 403 &&
      request.actor &&
      !audited.has(request)
    ) {
      await deny(ctx, request, error.message);
    }
  };

  // Before body validation, so that a bad body cannot be used to probe which records exist.
  const checkResource = async (request: FastifyRequest): Promise<void> => {
    const ref = request.routeOptions.config.resource;
    const actor = request.actor;
    if (!ref) return;
    const id = (request.params as Record<string, string | undefined>)[ref.param] ?? '';
    const owner = await resourceOwner(ctx.db, ref.type, id);
    const notFound = new AppError(
      404,
      'not_found',
      `There is no ${ref.type.replace(/_/g, ' ')} ${JSON.stringify(id)}.`,
    );
    if (!owner) throw notFound;
    if (
      owner.public ||
      !actor ||
      isOfficeStaff(actor) ||
      owner.organizationId === actor.organizationId ||
      owner.sharedWith?.includes(actor.organizationId)
    )
      return;
    await deny(ctx, request, `${ref.type} ${id} belongs to another organization`);
    throw notFound;
  };

  app.addHook('onRoute', (route) => {
    const rule = route.config?.access;
    if (rule === undefined && !route.url.startsWith('/api/v1/')) return;
    if (rule === undefined) {
      throw new Error(
        `Route ${route.method.toString()} ${route.url} declares no access rule (config.access).`,
      );
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD')
        routes.push({ method, url: route.url, access: rule, resource: route.config?.resource });
    }
    // Attached to the routes that declare a rule only, so that /healthz and the portal's files
    // pay nothing for access control.
    route.onRequest = [...asArray(route.onRequest), authenticate] as typeof route.onRequest;
    route.onError = [...asArray(route.onError), auditRefusal] as typeof route.onError;
    if (route.config?.resource) {
      route.preValidation = [
        ...asArray(route.preValidation),
        checkResource,
      ] as typeof route.preValidation;
    }
  });
}

function asArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** Requests whose refusal is already in the audit trail. */
const audited = new WeakSet<FastifyRequest>();

async function deny(ctx: AppContext, request: FastifyRequest, reason: string): Promise<void> {
  audited.add(request);
  const actor = request.actor;
  const rule = request.routeOptions.config.access;
  await ctx.db.transaction().execute((trx) =>
    recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, rule?.kind === 'signed-in' ? rule.power : undefined),
        action: 'access.denied',
        outcome: 'denied',
        target: {
          type: 'route',
          id: `${request.method} ${request.routeOptions.url ?? request.url}`,
        },
        summary: { reason },
        requestId: request.id,
      },
      ctx.clock,
    ),
  );
}
