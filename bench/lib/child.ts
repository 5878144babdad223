// Starts bench servers as child processes, so that on a small machine the server under test and
// the load generator (in the parent) each have a core, and one server's garbage never slows
// another's measurement. Every child started here is killed when the parent exits, even on error
// (see cleanup.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { atExit } from './cleanup.js';
import type { CpuUsageMessage, ListeningMessage } from './server-process.js';

const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ROOT = path.dirname(BENCH_DIR);
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** A server in its own process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** The server process's CPU time so far (user and system), in microseconds. */
  cpuMicros(): Promise<number>;
  /** Asks the server to stop, and kills it if it has not exited within a bound. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** Arguments after the script. */
  args?: readonly string[];
  /** Where the child's stdout (its logs) goes; /dev/null when not given. */
  logFile?: string;
}

/**
 * Runs `bench/servers/<name>.ts` under `node --import tsx` and waits for it to report its URL.
 * Every server runs through the same loader, so that no server gains from compiled code.
 */
export async function startServerProcess(
  name: string,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const script = path.join(BENCH_DIR, 'servers', `${name}.ts`);
  const logFd = fs.openSync(options.logFile ?? '/dev/null', 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', script, ...(options.args ?? [])], {
      cwd: ROOT,
      stdio: ['ignore', logFd, 'pipe', 'ipc'],
    });
  } finally {
    fs.closeSync(logFd);
  }
  const forget = atExit(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      forget();
      resolve();
    });
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} server did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.on('message', (message) => {
        const listening = message as Partial<ListeningMessage> | null;
        if (listening?.type === 'listening' && typeof listening.url === 'string') {
          clearTimeout(timer);
          resolve(listening.url);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} server exited (${signal ?? code}) before listening:\n${stderr}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await Promise.race([exited, delay(STOP_TIMEOUT_MS)]);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid ?? -1,
    cpuMicros: () =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new Error(`${name} server did not report its CPU time`));
        }, START_TIMEOUT_MS);
        const onMessage = (message: unknown): void => {
          const usage = message as Partial<CpuUsageMessage> | null;
          if (usage?.type !== 'cpu-usage' || typeof usage.micros !== 'number') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(usage.micros);
        };
        child.on('message', onMessage);
        child.send({ type: 'cpu-usage' });
      }),
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
