import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

const OPTIONS: Readonly<HelmetOptions> = {
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
};

/**
 * The security headers every answer carries, worked out once by helmet at start-up. Our policy is
 * the same for every request (no nonces, no per-route options), and asking helmet per request
 * rebuilds its whole middleware chain each time: measured in `npm run bench`, that alone cost
 * about 40% of /healthz throughput.
 */
export function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return recorder;
    },
    removeHeader(name: string) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- headers is a plain map
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(OPTIONS)(
    {} as unknown as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => (failure = error),
  );
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('helmet failed');
  return Object.freeze(headers);
}
