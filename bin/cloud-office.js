#!/usr/bin/env node
// The `cloud-office` command. It runs the compiled CLI, so the project must be built first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'cloud-office is not built yet: run `npm run build` in the project folder.\n',
  );
  process.exit(1);
}
await import(entry.href);
