// Runs the whole test suite with Node's test runner: unit tests beside the code (src/**/*.test.ts)
// and integration and browser tests (test/**/*.test.ts). Say clearly whether PostgreSQL ran.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function findTests(folder) {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : [...findTests('src'), ...findTests('test')];
const postgres = process.env.TEST_POSTGRES_URL?.trim();
const banner = postgres
  ? `PostgreSQL: ON - every database test also runs on a fresh database on ${new URL(postgres).host}`
  : 'PostgreSQL: SKIPPED - set TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run every database test on PostgreSQL too';

console.log(`${banner}\nRunning ${files.length} test files.\n`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { cwd: root, stdio: 'inherit' },
);
console.log(`\n${banner}`);
process.exit(result.status ?? 1);
