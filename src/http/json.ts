import secureJson from 'secure-json-parse';
import { AppError } from '../errors.js';
import type { App } from './app.js';

/**
 * Replaces Fastify's JSON body parser with one that says where the JSON breaks (Fastify's own
 * drops the parser's message). Like Fastify's, it refuses `__proto__` and `constructor.prototype`
 * keys, which could otherwise poison objects built from the body.
 */
export function registerJsonParser(app: App): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.length === 0) {
      done(
        new AppError(400, 'empty_body', 'The request says it carries JSON but its body is empty.'),
        undefined,
      );
      return;
    }
    try {
      done(
        null,
        secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      done(
        new AppError(400, 'malformed_json', `The request body is not valid JSON: ${reason}.`),
        undefined,
      );
    }
  });
}
