// Measures several targets in alternating order (A B C, C B A, ...), so that drift in the machine
// (thermal, neighbours) falls on all of them alike, and reports medians.
import type { ServerProcess } from './child.js';
import { measureLoad, type LoadResult } from './load.js';
import { median, type ScenarioContext } from './scenario.js';

export interface Target {
  label: string;
  server: ServerProcess;
  path: string;
  headers?: Record<string, string>;
}

export interface TargetResult {
  rps: number;
  p99Ms: number;
  /** Server CPU microseconds per completed request. */
  cpuPerRequest: number;
}

/** Warms each target up, then measures every target once per round; returns medians by label. */
export async function measureInRounds(
  targets: readonly Target[],
  { settings, log }: ScenarioContext,
): Promise<Map<string, TargetResult>> {
  const results = new Map<string, { load: LoadResult[]; cpu: number[] }>(
    targets.map((target) => [target.label, { load: [], cpu: [] }]),
  );
  for (const target of targets) {
    if (settings.warmupSeconds > 0) {
      log(`warming up ${target.label} for ${settings.warmupSeconds} s`);
      await measureLoad(target.server.url + target.path, {
        connections: settings.connections,
        durationSeconds: settings.warmupSeconds,
        headers: target.headers,
      });
    }
  }
  for (let pass = 0; pass < settings.rounds; pass += 1) {
    const order = pass % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const cpuBefore = await target.server.cpuMicros();
      const result = await measureLoad(target.server.url + target.path, {
        connections: settings.connections,
        durationSeconds: settings.durationSeconds,
        headers: target.headers,
      });
      const cpu = ((await target.server.cpuMicros()) - cpuBefore) / result.requests;
      const entry = results.get(target.label);
      entry?.load.push(result);
      entry?.cpu.push(cpu);
      log(
        `round ${pass + 1}/${settings.rounds} ${target.label}: ${Math.round(result.rps)} req/s, ` +
          `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${Math.round(cpu)} us CPU/req`,
      );
    }
  }
  return new Map(
    [...results].map(([label, { load, cpu }]) => [
      label,
      {
        rps: median(load.map((r) => r.rps)),
        p99Ms: median(load.map((r) => r.p99Ms)),
        cpuPerRequest: median(cpu),
      },
    ]),
  );
}
