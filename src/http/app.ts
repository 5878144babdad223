import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import cookie from '@fastify/cookie';
import { registerAccessControl } from '../features/identity/access.js';
import { identityRoutes } from '../features/identity/routes.js';
import { officeRoutes } from '../features/office/routes.js';
import { OrganizationSchema, organizationRoutes } from '../features/organizations/routes.js';
import { CatalogSchema, RenderedPartSchema, catalogRoutes } from '../features/catalogs/routes.js';
import { levelRoutes } from '../features/levels/routes.js';
import { DocumentSchema, documentRoutes } from '../features/documents/routes.js';
import { offeringRoutes } from '../features/offerings/routes.js';
import { policyRoutes } from '../features/placement/policy-routes.js';
import { placementRoutes } from '../features/placement/placement-routes.js';
import { pseSystemRoutes } from '../features/placement/systems-routes.js';
import { nocRoutes } from '../features/placement/noc-routes.js';
import { registerRoutes } from '../features/register/routes.js';
import { incidentRoutes } from '../features/incidents/routes.js';
import { reportRequestRoutes } from '../features/incidents/requests-routes.js';
import { responseActionRoutes } from '../features/incidents/actions-routes.js';
import { incidentReportRoutes } from '../features/incidents/report-routes.js';
import { breachRoutes } from '../features/duties/routes.js';
import { webhookRoutes } from '../features/notifications/routes.js';
import { ApplicationSchema, accreditationRoutes } from '../features/accreditation/routes.js';
import { OfferingSchema } from '../features/offerings/presenter.js';
import { systemRoutes } from '../features/system/routes.js';
import { UserSchema, userRoutes } from '../features/users/routes.js';
import { appointmentRoutes } from '../features/appointments/routes.js';
import { auditRoutes } from '../features/audit/routes.js';
import { linkRoutes } from '../features/identity/link-routes.js';
import { registerJsonParser } from './json.js';
import { registerOpenApi } from './openapi.js';
import { registerPortal } from './portal.js';
import { sendProblem } from './problems.js';
import { ProblemSchema } from './schemas.js';
import { securityHeaders } from './security-headers.js';
import { createValidatorCompiler } from './validation.js';

export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  Logger,
  TypeBoxTypeProvider
>;

/** A hop count becomes a function: trust that many proxies nearest to the server. */
function trustProxy(
  setting: boolean | number,
): boolean | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/** Accepts a caller's request id only if it is short and plain; otherwise makes a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the HTTP application on an application context. Every feature registers its routes here
 * as its own plugin; the app is returned before `ready()`, so tests may add probe routes.
 */
export async function buildApp(ctx: AppContext): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: ctx.config.http.bodyLimit,
    trustProxy: trustProxy(ctx.config.http.trustProxy),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: (request) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(createValidatorCompiler());
  // Shared schemas, referenced by $id across features and listed once in the OpenAPI components.
  for (const schema of [
    ProblemSchema,
    OrganizationSchema,
    UserSchema,
    CatalogSchema,
    RenderedPartSchema,
    DocumentSchema,
    OfferingSchema,
    ApplicationSchema,
  ])
    app.addSchema(schema);
  // Only JSON bodies: plain text would otherwise be parsed and fail later with a vaguer message.
  app.removeContentTypeParser('text/plain');
  registerJsonParser(app);

  const headers = securityHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    done();
  });
  // While shutting down, a connection whose request has just been answered goes idle and would
  // hold the shutdown open until its keep-alive timeout; close idle connections until we are done.
  // (A per-request hook setting `Connection: close` would do the same at a cost to every request.)
  let idleSweep: NodeJS.Timeout | undefined;
  app.addHook('preClose', (done) => {
    idleSweep = setInterval(() => {
      app.server.closeIdleConnections();
    }, 50);
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    clearInterval(idleSweep);
    done();
  });
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));

  await registerOpenApi(app);

  // Parsed only on routes with an access rule (see identity/access.ts), not on every request.
  await app.register(cookie, { hook: false });
  registerAccessControl(app, ctx);
  await app.register(systemRoutes, { ctx });
  await app.register(officeRoutes, { ctx });
  await app.register(identityRoutes, { ctx });
  await app.register(organizationRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  await app.register(appointmentRoutes, { ctx });
  await app.register(linkRoutes, { ctx });
  await app.register(auditRoutes, { ctx });
  await app.register(catalogRoutes, { ctx });
  await app.register(levelRoutes, { ctx });
  await app.register(documentRoutes, { ctx });
  await app.register(offeringRoutes, { ctx });
  await app.register(accreditationRoutes, { ctx });
  await app.register(registerRoutes, { ctx });
  await app.register(policyRoutes, { ctx });
  await app.register(pseSystemRoutes, { ctx });
  await app.register(placementRoutes, { ctx });
  await app.register(nocRoutes, { ctx });
  await app.register(incidentRoutes, { ctx });
  await app.register(reportRequestRoutes, { ctx });
  await app.register(responseActionRoutes, { ctx });
  await app.register(incidentReportRoutes, { ctx });
  await app.register(breachRoutes, { ctx });
  await app.register(webhookRoutes, { ctx });

  await registerPortal(app);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      new AppError(
        404,
        'route_not_found',
        `There is no route ${request.method} ${request.url.split('?')[0] ?? ''}.`,
      ),
      request,
      reply,
    ),
  );
  return app;
}
