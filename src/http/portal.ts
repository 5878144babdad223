import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { AppError } from '../errors.js';
import type { App } from './app.js';

// src/http and dist/http both sit two folders below the package root; Vite builds into dist/web.
const WEB_ROOT = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'web');

/**
 * Serves the built web portal. Paths outside /api that match no file get index.html, so that the
 * portal's own router can handle them; without a build, the portal answers 503 and says how to build.
 */
export async function registerPortal(app: App): Promise<void> {
  const built = fs.existsSync(path.join(WEB_ROOT, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: WEB_ROOT, wildcard: false, index: 'index.html' });
  }
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      throw new AppError(
        404,
        'route_not_found',
        `There is no route ${request.method} ${pathname}.`,
      );
    }
    if (!built) {
      throw new AppError(
        503,
        'portal_not_built',
        'The web portal has not been built; run `npm run build` (npm start does it for you).',
      );
    }
    if (path.extname(pathname) !== '') {
      throw new AppError(404, 'not_found', `There is no file ${pathname}.`);
    }
    return reply.sendFile('index.html');
  });
}
