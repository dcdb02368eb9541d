/**
 * Benchmark of the analytics API on a generated data set (1,000,000 events, 50,000 users,
 * 100,000 replays by default), on SQLite and on PostgreSQL. Prints p50 and p95 latency per
 * query and writes the same to bench/results/analytics-<time>.json.
 *
 *   npm run analytics -w @reprise/bench -- [--scale=0.1] [--stores=sqlite,postgres] [--iterations=20]
 *
 * PostgreSQL comes from REPRISE_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * the benchmark creates its own database there and drops it at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestDatabase } from '@reprise/server/test-support';
import { sql } from 'kysely';
import { anchorMs, fullSize, generateDataset, type DatasetSize } from './dataset.js';
import { queries, type BenchQuery } from './queries.js';

interface Options {
  scale: number;
  stores: TestDatabase[];
  iterations: number;
  warmup: number;
}

interface QueryResult {
  name: string;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  runs: number;
}

function readOptions(argv: string[]): Options {
  const options: Options = { scale: 1, stores: ['sqlite', 'postgres'], iterations: 20, warmup: 2 };
  for (const argument of argv) {
    const [name, value = ''] = argument.replace(/^--/, '').split('=');
    if (name === 'scale') options.scale = Number(value);
    else if (name === 'iterations') options.iterations = Number(value);
    else if (name === 'stores') options.stores = value.split(',') as TestDatabase[];
    else throw new RangeError(`Unknown option ${argument}; use --scale, --stores or --iterations`);
  }
  if (!(options.scale > 0 && options.scale <= 1)) {
    throw new RangeError(`--scale must be more than 0 and at most 1, got ${options.scale}`);
  }
  if (!Number.isInteger(options.iterations) || options.iterations < 1) {
    throw new RangeError(`--iterations must be a positive integer, got ${options.iterations}`);
  }
  return options;
}

function scaled(size: DatasetSize, scale: number): DatasetSize {
  return {
    users: Math.round(size.users * scale),
    replays: Math.round(size.replays * scale),
    events: Math.round(size.events * scale),
    days: size.days,
  };
}

/** Returns the value below which `fraction` of the sorted samples fall (nearest rank). */
function percentile(sorted: readonly number[], fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1]!;
}

async function measure(query: BenchQuery, options: Options, run: (i: number) => Promise<void>) {
  for (let index = 0; index < options.warmup; index++) await run(index);
  const samples: number[] = [];
  for (let index = 0; index < options.iterations; index++) {
    const started = performance.now();
    await run(options.warmup + index);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    name: query.name,
    p50Ms: round(percentile(samples, 0.5)),
    p95Ms: round(percentile(samples, 0.95)),
    meanMs: round(samples.reduce((sum, value) => sum + value, 0) / samples.length),
    runs: samples.length,
  };
}

async function benchStore(database: TestDatabase, size: DatasetSize, options: Options) {
  // The clock is fixed at the end of the data set, so "the last 30 days" is the same each run.
  const server = await startTestServer({ database, now: () => anchorMs });
  try {
    const started = performance.now();
    const counts = await generateDataset(server.context.metadata, size);
    const generateSeconds = Math.round((performance.now() - started) / 100) / 10;
    await settle(server);
    console.log(`${database}: generated ${JSON.stringify(counts)} in ${generateSeconds} s`);

    const results: QueryResult[] = [];
    for (const query of queries(size)) {
      results.push(await measure(query, options, (index) => query.run(server, index)));
      console.log(`${database}: ${query.name} done`);
    }
    return { database, counts, generateSeconds, results };
  } finally {
    await server.close();
  }
}

/**
 * Brings the database to the state a running server reaches by itself: on PostgreSQL,
 * autovacuum would soon analyze the new rows and mark their pages all-visible, which index-only
 * scans need. SQLite gets no ANALYZE, because the server never runs one.
 */
async function settle(server: Awaited<ReturnType<typeof startTestServer>>) {
  if (server.context.metadata.connection.dialect !== 'postgres') return;
  await sql`vacuum analyze`.execute(server.context.metadata.connection.db);
}

function machine() {
  return {
    nproc: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    /** 1, 5 and 15 minute load averages when the run ended; other work skews the numbers. */
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

function printTable(runs: Awaited<ReturnType<typeof benchStore>>[]) {
  const header = [
    'query',
    ...runs.flatMap((run) => [`${run.database} p50`, `${run.database} p95`]),
  ];
  const names = runs[0]?.results.map((result) => result.name) ?? [];
  const rows = names.map((name) => [
    name,
    ...runs.flatMap((run) => {
      const result = run.results.find((item) => item.name === name)!;
      return [`${result.p50Ms} ms`, `${result.p95Ms} ms`];
    }),
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => row[column]!.length)),
  );
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
  for (const row of rows) console.log(line(row));
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const size = scaled(fullSize, options.scale);
  const runs = [];
  for (const database of options.stores) runs.push(await benchStore(database, size, options));

  printTable(runs);
  const results = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(results, { recursive: true });
  const file = join(results, `analytics-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const report = { machine: machine(), size, options, runs, finishedAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Wrote ${file}`);
}

await main();
