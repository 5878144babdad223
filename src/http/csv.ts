import type { FastifyReply } from 'fastify';
import type { Clock } from '../clock.js';

/** Sends `body` as a CSV attachment named `<name>-<today>.csv`. */
export function sendCsv(reply: FastifyReply, clock: Clock, name: string, body: string) {
  const day = clock.now().toISOString().slice(0, 10);
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${day}.csv"`)
    .send(body);
}
