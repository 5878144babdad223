// The real Cloud Office server, as `npm start` builds it: the real config loader, a SQLite
// database in the DATA_DIR given as the first argument, migrations, and logs at the default level
// ('info'). Logs go to this process's stdout, which the parent points at a file, as a service
// manager would. Runs from src/ under `node --import tsx` (not dist/, which may be stale), like
// the bare server, so that both run with the same loader.
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { announce, stopWhenAsked } from '../lib/server-process.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: app.ts <data-dir>');

const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' });
const server = await startServer(config);
stopWhenAsked(() => server.stop());
announce(server.url);
