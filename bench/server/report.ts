/**
 * Helpers shared by the sdk-size, ingest and player benchmarks: machine facts, percentiles, a
 * Markdown table on stdout and the JSON file under bench/results/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, two folders above this file. */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Returns the 1, 5 and 15 minute load averages, rounded to two decimals. */
export function loadAverage(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

/** Facts about the machine that a reader needs to compare runs. */
export function machine(extra: Record<string, unknown> = {}) {
  return {
    nproc: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    ...extra,
  };
}

/** Returns the type of the filesystem that contains `path`, as `df` prints it, or null. */
export function filesystemType(path: string): string | null {
  try {
    const output = execFileSync('df', ['--output=fstype', path], { encoding: 'utf8' });
    return output.trim().split('\n').at(-1)?.trim() ?? null;
  } catch {
    return null;
  }
}

/** Returns the value below which `fraction` of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1]!;
}

/** Returns p50, p95, min and max of `samples`, rounded to 0.1. */
export function summarize(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5), 1),
    p95: round(percentile(sorted, 0.95), 1),
    min: round(sorted[0] ?? Number.NaN, 1),
    max: round(sorted.at(-1) ?? Number.NaN, 1),
    count: sorted.length,
  };
}

export function round(value: number, decimals = 0): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Prints rows as a Markdown table, padded so that it also reads well in a terminal. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
  for (const row of rows) console.log(line(row));
}

/** Writes `report` to bench/results/<name>-<time>.json and returns the file's path. */
export function writeResults(name: string, report: unknown): string {
  const folder = join(repositoryRoot, 'bench', 'results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/**
 * Parses `--name=value` options into `defaults`' keys, converting each value to the type of its
 * default (number, boolean or string). Unknown names raise a RangeError that lists the known ones.
 */
export function readOptions<T extends Record<string, number | string | boolean>>(
  argv: readonly string[],
  defaults: T,
): T {
  const options: Record<string, number | string | boolean> = { ...defaults };
  for (const argument of argv) {
    const match = /^--([\w-]+)(?:=(.*))?$/.exec(argument);
    const name = match?.[1]?.replace(/-(\w)/g, (_all, letter: string) => letter.toUpperCase());
    if (!match || name === undefined || !(name in defaults)) {
      const known = Object.keys(defaults)
        .map((key) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`)
        .join(', ');
      throw new RangeError(`Unknown option ${argument}; known options: ${known}`);
    }
    const value = match[2];
    const fallback = defaults[name];
    if (typeof fallback === 'boolean') {
      options[name] = value === undefined || value === 'true';
    } else if (typeof fallback === 'number') {
      const parsed = Number(value);
      if (value === undefined || !Number.isFinite(parsed)) {
        throw new RangeError(`--${match[1]} must be a number, got ${String(value)}`);
      }
      options[name] = parsed;
    } else {
      if (value === undefined) throw new RangeError(`--${match[1]} needs a value`);
      options[name] = value;
    }
  }
  return options as T;
}
