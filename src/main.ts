import { loadConfig } from './config.js';
import { serveUntilSignalled } from './serve.js';
import { explainStartupFailure } from './startup.js';

// Process entry for `npm start`: config -> context -> server, until a signal stops it.
try {
  await serveUntilSignalled(loadConfig(), (line) => process.stdout.write(`${line}\n`));
} catch (error) {
  const explained = explainStartupFailure(error);
  process.stderr.write(
    `Cloud Office could not start.\n${explained ?? String((error as Error).stack ?? error)}\n`,
  );
  process.exit(1);
}
