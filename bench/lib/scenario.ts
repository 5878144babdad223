import type { BenchSettings } from './settings.js';

/** One measured number, printed as `name value unit`. */
export interface Figure {
  /** Dotted, scenario first: `http.healthz.rps`. */
  name: string;
  value: number;
  unit: string;
}

export interface ScenarioContext {
  settings: BenchSettings;
  /** Progress for the person watching; goes to stderr, so that stdout holds only figures. */
  log: (line: string) => void;
}

/** A benchmark that `npm run bench` runs; list it in bench/scenarios/index.ts. */
export interface Scenario {
  /** Selects the scenario on the command line: `npm run bench -- http`. */
  name: string;
  description: string;
  run(context: ScenarioContext): Promise<Figure[]>;
}

/** The middle value (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Rounds to a number of decimal places. */
export function round(value: number, decimals = 0): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
