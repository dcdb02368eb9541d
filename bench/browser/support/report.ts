import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Returns the median of `values` (the mean of the middle two for an even count), or NaN. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Returns the value below which `fraction` of the samples fall (nearest rank), or NaN. */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1]!;
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function cpuModel(): string {
  const model = cpus()[0]?.model;
  if (model) return model;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((text) => text.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const loadAverage = () => loadavg().map((value) => round(value, 2));

/** The machine a run measured on, with the 1, 5 and 15 minute load averages at its start. */
export interface MachineInfo {
  nproc: number;
  memoryGiB: number;
  cpu: string;
  node: string;
  chromium: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export function machineInfo(chromiumVersion: string): MachineInfo {
  return {
    nproc: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30),
    cpu: cpuModel(),
    node: process.version,
    chromium: chromiumVersion,
    loadAverageAtStart: loadAverage(),
  };
}

/** Records the load average at the end of the run; other work on the machine skews timings. */
export function finishMachineInfo(machine: MachineInfo): MachineInfo {
  machine.loadAverageAtEnd = loadAverage();
  return machine;
}

/**
 * Identifies the build of Reprise's SDK that a run measured: the commit, whether the SDK's
 * sources differ from it, and the hash and time of the two bundles, since the tree may change
 * between runs.
 */
export function repriseBuildInfo(distFolder: string) {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: distFolder, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  const bundle = (name: string) => {
    const path = join(distFolder, name);
    return {
      sha256: createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16),
      bytes: statSync(path).size,
      builtAt: statSync(path).mtime.toISOString(),
    };
  };
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    sourcesChanged: git('status', '--porcelain', '--', '..') !== '',
    core: bundle('reprise.js'),
    recorder: bundle('reprise-recorder.js'),
  };
}

export type RepriseBuildInfo = ReturnType<typeof repriseBuildInfo>;

/**
 * Reads the build again at the end of a run and prints a warning when the bundles changed
 * during it, because the numbers then mix two builds. Returns the build at the end.
 */
export function checkBuildUnchanged(distFolder: string, atStart: RepriseBuildInfo) {
  const atEnd = repriseBuildInfo(distFolder);
  if (
    atEnd.core.sha256 !== atStart.core.sha256 ||
    atEnd.recorder.sha256 !== atStart.recorder.sha256
  ) {
    console.warn(
      `WARNING: Reprise's SDK in ${distFolder} was rebuilt during the run ` +
        `(${atStart.core.builtAt} to ${atEnd.core.builtAt}), so the numbers mix two builds. Run again.`,
    );
  }
  return atEnd;
}

/** Returns a Markdown table with each column padded to its widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    `| ${widths.map((width, column) => (row[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

/** Writes `report` as JSON to bench/results/<name>-<time>.json and returns the file's path. */
export function writeResults(name: string, report: unknown): string {
  const folder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/**
 * Reads `--name=value` flags. Every flag must be one of `known`; a flag without `=value` gets
 * the value `true`. Throws a RangeError that lists the known flags otherwise.
 */
export function readFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (const argument of argv) {
    const match = /^--([\w-]+)(?:=(.*))?$/.exec(argument);
    if (!match || !known.includes(match[1]!)) {
      throw new RangeError(
        `Unknown option ${argument}; use ${known.map((name) => `--${name}`).join(', ')}`,
      );
    }
    flags.set(match[1]!, match[2] ?? 'true');
  }
  return flags;
}

/** Parses a flag's value as a number within [min, max]; `integer` also requires a whole one. */
export function numberFlag(
  flags: Map<string, string>,
  name: string,
  fallback: number,
  { min, max, integer = false }: { min: number; max: number; integer?: boolean },
): number {
  const text = flags.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new RangeError(`--${name} must be ${kind} from ${min} to ${max}, got ${text}`);
  }
  return value;
}
