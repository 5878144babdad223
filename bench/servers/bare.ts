// The baseline for the HTTP scenarios: plain node:http answering what GET /healthz answers (the
// same body and content-type, no other headers), so that the app's cost shows as a ratio to it.
// Started by bench/lib/child.ts under `node --import tsx`, like the app server, so that both run
// with the same loader; tsx only affects loading, not the code that runs per request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { announce, stopWhenAsked } from '../lib/server-process.js';

const BODY = JSON.stringify({ status: 'ok' });
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(Buffer.byteLength(BODY)),
};

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') {
    response.writeHead(200, HEADERS).end(BODY);
  } else {
    response.writeHead(404).end();
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  announce(`http://127.0.0.1:${port}`);
});
stopWhenAsked(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
