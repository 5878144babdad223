import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import { systemRoutes } from '../features/system/routes.js';
import { registerJsonParser } from './json.js';
import { registerOpenApi } from './openapi.js';
import { registerPortal } from './portal.js';
import { sendProblem } from './problems.js';
import { ProblemSchema } from './schemas.js';
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
  app.addSchema(ProblemSchema);
  // Only JSON bodies: plain text would otherwise be parsed and fail later with a vaguer message.
  app.removeContentTypeParser('text/plain');
  registerJsonParser(app);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // While shutting down, answers to requests in flight close their connection, so that a client's
  // keep-alive socket does not hold the shutdown open until its idle timeout.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'style-src': ["'self'", "'unsafe-inline'"],
        'script-src': ["'self'"],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
  });
  await registerOpenApi(app);

  await app.register(systemRoutes, { ctx });

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
