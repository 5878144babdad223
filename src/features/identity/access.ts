import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { OrganizationKind } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { App } from '../../http/app.js';
import { recordAuditEvent } from '../audit/service.js';
import { DEFAULT_POSITIONS, type Power } from '../office/positions.js';
import { auditActor, isOfficeStaff, type Actor, type RequestContext } from './actor.js';
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
      /** For the few routes a user needs before passing the second factor (sign out, TOTP). */
      beforeSecondFactor?: boolean;
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

/**
 * Access control in one place. Every /api/v1 route declares an access rule (and, if its path
 * names a record, which kind), and these hooks enforce them before any handler runs:
 * authentication (session cookie with CSRF token for unsafe methods), the rule's organization
 * kinds, roles and powers, and tenant separation: a user outside the Cloud Office asking for
 * another organization's record gets the same 404 as for a record that does not exist.
 * Refusals of signed-in users are written to the audit trail.
 */
export function registerAccessControl(app: App, ctx: AppContext): void {
  app.decorateRequest('actor', null);

  const routes: DeclaredRoute[] = [];
  declared.set(app, routes);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/')) return;
    const rule = route.config?.access;
    if (rule === undefined) {
      throw new Error(
        `Route ${route.method.toString()} ${route.url} declares no access rule (config.access).`,
      );
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD')
        routes.push({ method, url: route.url, access: rule, resource: route.config?.resource });
    }
  });

  app.addHook('onRequest', async (request) => {
    const rule = request.routeOptions.config.access;
    if (!rule) return;
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await actorForSession(ctx, token) : null;
    request.actor = session?.actor ?? null;
    if (rule.kind === 'public') return;

    if (!session)
      throw new AppError(
        401,
        'sign_in_required',
        'Sign in to do this; your session may have ended.',
      );
    const actor = session.actor;
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
  });

  // A refusal decided by a service (a rule about the particular record) is audited here, once.
  app.addHook('onError', async (request, _reply, error) => {
    if (
      error instanceof AppError &&
      error.status === 403 &&
      request.actor &&
      !audited.has(request)
    ) {
      await deny(ctx, request, error.message);
    }
  });

  // Before body validation, so that a bad body cannot be used to probe which records exist.
  app.addHook('preValidation', async (request) => {
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
      owner.organizationId === actor.organizationId
    )
      return;
    await deny(ctx, request, `${ref.type} ${id} belongs to another organization`);
    throw notFound;
  });
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
