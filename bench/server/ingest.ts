/**
 * Ingestion throughput of one Reprise server process: `POST /record/` with the example shop's
 * recorded chunks, each request a new (replay_id, seq), loaded with autocannon from this process
 * over loopback. Next to it, the ceiling of the same machine: gunzip plus JSON.parse of the same
 * payloads in a loop in this process. Prints a table and writes
 * bench/results/ingest-<time>.json.
 *
 *   npm run ingest -w @reprise/bench -- [--connections=10,50] [--duration=20] [--warmup=5]
 *     [--ceiling-seconds=10] [--log-level=info] [--database-url=postgres://...]
 *     [--cpu-prof-dir=DIR]
 *
 * The server is the built CLI (`npm run build` first) with SQLite in a temporary data folder,
 * or with the PostgreSQL database that `--database-url` names, which must be empty.
 * `--cpu-prof-dir` writes a V8 CPU profile of the server into DIR when it stops.
 * A 200 from /record/ means the chunk is durable: its bytes were written to a new file, which
 * and whose folder were fsynced, then its row and the replay's facts were committed and the
 * SQLite WAL fsynced (or PostgreSQL committed).
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { cpuSeconds, residentBytes, startReprise, type RepriseProcess } from './launch.js';
import {
  filesystemType,
  loadAverage,
  machine,
  printTable,
  readOptions,
  round,
  summarize,
  writeResults,
} from './report.js';
import { readSampleReplays, recordedOrigin, timeSpan } from './samples.js';

/** One recorded chunk, ready to send. */
interface Payload {
  /** Index of the sample replay the chunk comes from. */
  replayIndex: number;
  seq: number;
  gzip: Buffer;
  jsonBytes: number;
  eventCount: number;
}

/** A user agent of a desktop Chrome, which the server reads for the replay's browser and OS. */
const userAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * Builds the upload bodies from the samples. Each replay is shifted in time so that its last
 * event is a minute ago, because the server rejects events older than 30 days. The events are
 * gzip-compressed at zlib's default level. The SDK uses the browser's CompressionStream, whose
 * level the browser picks, so its bodies may differ by a few percent.
 */
function buildPayloads(nowMs: number): Payload[] {
  const payloads: Payload[] = [];
  readSampleReplays().forEach((replay, replayIndex) => {
    const shiftMs = nowMs - 60_000 - timeSpan(replay.chunks).endMs;
    for (const chunk of replay.chunks) {
      const events = chunk.events.map((event) => ({
        ...event,
        timestamp: event.timestamp + shiftMs,
      }));
      const json = Buffer.from(JSON.stringify(events));
      payloads.push({
        replayIndex,
        seq: chunk.seq,
        gzip: gzipSync(json),
        jsonBytes: json.length,
        eventCount: events.length,
      });
    }
  });
  return payloads;
}

function payloadStats(payloads: readonly Payload[]) {
  const sum = (pick: (payload: Payload) => number) =>
    payloads.reduce((total, payload) => total + pick(payload), 0);
  return {
    chunks: payloads.length,
    meanGzipBytes: round(sum((payload) => payload.gzip.length) / payloads.length),
    meanJsonBytes: round(sum((payload) => payload.jsonBytes) / payloads.length),
    meanEvents: round(sum((payload) => payload.eventCount) / payloads.length, 1),
    maxGzipBytes: Math.max(...payloads.map((payload) => payload.gzip.length)),
    maxJsonBytes: Math.max(...payloads.map((payload) => payload.jsonBytes)),
  };
}

/** Gunzips and parses the payloads in turn for `seconds`, after one second of warm-up. */
function measureCeiling(payloads: readonly Payload[], seconds: number) {
  const run = (durationMs: number) => {
    let chunks = 0;
    let gzipBytes = 0;
    let jsonBytes = 0;
    const started = performance.now();
    while (performance.now() - started < durationMs) {
      const payload = payloads[chunks % payloads.length]!;
      const inflated = gunzipSync(payload.gzip);
      JSON.parse(inflated.toString('utf8'));
      chunks += 1;
      gzipBytes += payload.gzip.length;
      jsonBytes += inflated.length;
    }
    const elapsedSeconds = (performance.now() - started) / 1000;
    return { chunks, gzipBytes, jsonBytes, elapsedSeconds };
  };
  run(1000);
  const measured = run(seconds * 1000);
  return {
    seconds: round(measured.elapsedSeconds, 2),
    chunksPerSecond: round(measured.chunks / measured.elapsedSeconds),
    gzipMBPerSecond: round(measured.gzipBytes / measured.elapsedSeconds / 1e6, 2),
    jsonMBPerSecond: round(measured.jsonBytes / measured.elapsedSeconds / 1e6, 2),
  };
}

/**
 * Returns the autocannon request whose `setupRequest` sends the next payload as a new chunk. The
 * payloads go round in order, and each round uses new replay ids, so that request `i` uploads
 * chunk `seq` of replay `<run>-<round>-<sample>` and no upload replaces another.
 */
function chunkRequests(server: RepriseProcess, payloads: readonly Payload[], runId: string) {
  const sent = { requests: 0, gzipBytes: 0, jsonBytes: 0 };
  const request: AutocannonRequest = {
    method: 'POST',
    setupRequest: (raw) => {
      const index = sent.requests;
      const payload = payloads[index % payloads.length]!;
      const round = Math.floor(index / payloads.length);
      const deviceId = `bench-device-${runId}-${round}-${payload.replayIndex}`;
      const query = new URLSearchParams({
        replay_id: `bench-${runId}-${round}-${payload.replayIndex}`,
        seq: String(payload.seq),
        distinct_id: `$device:${deviceId}`,
        $device_id: deviceId,
        $current_url: `${recordedOrigin}/demo/index.html`,
        mp_lib: 'web',
        format: 'gzip',
      });
      sent.requests += 1;
      sent.gzipBytes += payload.gzip.length;
      sent.jsonBytes += payload.jsonBytes;
      return { ...raw, path: `/record/?${query}`, body: payload.gzip };
    },
  };
  return { request, sent };
}

interface LoadRun {
  connections: number;
  durationSeconds: number;
  chunksPerSecond: number;
  /** Median of the per-second counts of completed requests. */
  chunksPerSecondMedian: number;
  gzipMBPerSecond: number;
  jsonMBPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  responses2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  serverRssMaxMiB: number;
  serverRssEndMiB: number;
  /** Server CPU time over wall time: 1 is one core busy. */
  serverCpuCores: number;
  /** Chunks acknowledged during the warm-up before this run. */
  warmup2xx: number;
}

async function load(
  server: RepriseProcess,
  payloads: readonly Payload[],
  connections: number,
  seconds: number,
  runId: string,
) {
  const { request, sent } = chunkRequests(server, payloads, runId);
  const result: AutocannonResult = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    timeout: 30,
    headers: {
      Authorization: server.recordAuthorization,
      'Content-Type': 'application/octet-stream',
      'User-Agent': userAgent,
    },
    requests: [request],
  });
  return { result, sent };
}

async function measureLoad(
  server: RepriseProcess,
  payloads: readonly Payload[],
  connections: number,
  options: { duration: number; warmup: number },
): Promise<LoadRun> {
  const warmup = await load(server, payloads, connections, options.warmup, `w${connections}`);
  console.log(
    `${connections} connections: warm-up ${warmup.result['2xx']} chunks in ${options.warmup} s`,
  );

  let rssMax = 0;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, residentBytes(server.pid));
  }, 250);
  const cpuBefore = cpuSeconds(server.pid);
  const wallBefore = performance.now();
  const { result, sent } = await load(
    server,
    payloads,
    connections,
    options.duration,
    `m${connections}`,
  );
  const cpuUsed = cpuSeconds(server.pid) - cpuBefore;
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  clearInterval(sampler);
  const rssEnd = residentBytes(server.pid);
  rssMax = Math.max(rssMax, rssEnd);

  const chunksPerSecond = result['2xx'] / result.duration;
  const meanGzip = sent.gzipBytes / sent.requests;
  const meanJson = sent.jsonBytes / sent.requests;
  const mib = (bytes: number) => round(bytes / 2 ** 20, 1);
  return {
    connections,
    durationSeconds: result.duration,
    chunksPerSecond: round(chunksPerSecond),
    chunksPerSecondMedian: result.requests.p50,
    gzipMBPerSecond: round((chunksPerSecond * meanGzip) / 1e6, 2),
    jsonMBPerSecond: round((chunksPerSecond * meanJson) / 1e6, 2),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    responses2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    serverRssMaxMiB: mib(rssMax),
    serverRssEndMiB: mib(rssEnd),
    serverCpuCores: round(cpuUsed / wallSeconds, 2),
    warmup2xx: warmup.result['2xx'],
  };
}

/**
 * Times 200 fsyncs of a 4 KiB write in a temporary file, the filesystem the server's data folder
 * is on. Each acknowledged chunk waits for three: the chunk file, its folder and the SQLite WAL,
 * the last two shared with the chunks written at the same time.
 */
function measureFsync() {
  const folder = mkdtempSync(join(tmpdir(), 'reprise-bench-fsync-'));
  const descriptor = openSync(join(folder, 'probe'), 'w');
  const samples: number[] = [];
  try {
    for (let index = 0; index < 200; index++) {
      writeSync(descriptor, Buffer.alloc(4096, index));
      const started = performance.now();
      fsyncSync(descriptor);
      samples.push(performance.now() - started);
    }
  } finally {
    closeSync(descriptor);
    rmSync(folder, { recursive: true, force: true });
  }
  const summary = summarize(samples);
  return { p50Ms: round(summary.p50, 2), p95Ms: round(summary.p95, 2) };
}

/** Counts the chunk files the server wrote, to check that every 200 stored a chunk. */
function countChunkFiles(dataDir: string): number {
  return readdirSync(dataDir, { withFileTypes: true, recursive: true }).filter(
    (entry) => entry.isFile() && !entry.name.startsWith('reprise.db'),
  ).length;
}

async function checkOneUpload(server: RepriseProcess, payload: Payload): Promise<void> {
  const query = new URLSearchParams({
    replay_id: `bench-check-${randomBytes(4).toString('hex')}`,
    seq: String(payload.seq),
    distinct_id: '$device:bench-check',
    $device_id: 'bench-check',
    format: 'gzip',
  });
  const response = await fetch(`${server.url}/record/?${query}`, {
    method: 'POST',
    headers: {
      Authorization: server.recordAuthorization,
      'Content-Type': 'application/octet-stream',
      'User-Agent': userAgent,
    },
    body: new Uint8Array(payload.gzip),
  });
  const body = await response.text();
  if (response.status !== 200 || !body.includes('"status":1')) {
    throw new Error(`A check upload to /record/ failed with ${response.status}: ${body}`);
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2), {
    connections: '10,50',
    duration: 20,
    warmup: 5,
    ceilingSeconds: 10,
    logLevel: 'info',
    databaseUrl: '',
    cpuProfDir: '',
  });
  const connectionCounts = options.connections.split(',').map(Number);
  if (connectionCounts.some((count) => !Number.isInteger(count) || count < 1)) {
    throw new RangeError(`--connections must be positive integers, got ${options.connections}`);
  }
  const loadAtStart = loadAverage();
  console.log(`Load average at start: ${loadAtStart.join(', ')}`);

  const payloads = buildPayloads(Date.now());
  const payloadSummary = payloadStats(payloads);
  console.log(`Payloads: ${JSON.stringify(payloadSummary)}`);

  const fsync = measureFsync();
  console.log(`fsync of 4 KiB in ${tmpdir()}: ${JSON.stringify(fsync)}`);
  const ceiling = measureCeiling(payloads, options.ceilingSeconds);
  console.log(`Ceiling (gunzip + JSON.parse, one process): ${JSON.stringify(ceiling)}`);

  const server = await startReprise({
    logLevel: options.logLevel,
    databaseUrl: options.databaseUrl,
    cpuProfileDir: options.cpuProfDir || undefined,
  });
  const runs: LoadRun[] = [];
  let storedFiles: number;
  let acknowledged = 1;
  try {
    await checkOneUpload(server, payloads[0]!);
    const rssIdleMiB = round(residentBytes(server.pid) / 2 ** 20, 1);
    console.log(`Server ${server.url} (pid ${server.pid}), RSS after start ${rssIdleMiB} MiB`);
    for (const connections of connectionCounts) {
      const run = await measureLoad(server, payloads, connections, options);
      runs.push(run);
      console.log(`${connections} connections: ${JSON.stringify(run)}`);
    }
    storedFiles = countChunkFiles(server.dataDir);
  } finally {
    await server.stop();
  }
  const loadAtEnd = loadAverage();

  console.log('');
  printTable(
    [
      'connections',
      'chunks/s',
      'per-second median',
      'MB/s gzip',
      'MB/s JSON',
      'p50',
      'p99',
      'server RSS max',
      'server CPU',
      'ingest / ceiling',
    ],
    runs.map((run) => [
      String(run.connections),
      String(run.chunksPerSecond),
      String(run.chunksPerSecondMedian),
      run.gzipMBPerSecond.toFixed(2),
      run.jsonMBPerSecond.toFixed(2),
      `${run.latencyP50Ms} ms`,
      `${run.latencyP99Ms} ms`,
      `${run.serverRssMaxMiB} MiB`,
      `${run.serverCpuCores} cores`,
      (run.chunksPerSecond / ceiling.chunksPerSecond).toFixed(4),
    ]),
  );
  console.log(
    `Ceiling: ${ceiling.chunksPerSecond} chunks/s, ${ceiling.gzipMBPerSecond} MB/s gzip, ` +
      `${ceiling.jsonMBPerSecond} MB/s JSON`,
  );
  console.log(`Load average at end: ${loadAtEnd.join(', ')}`);

  // Warm-up runs also stored chunks. autocannon may stop with requests in flight, and the server
  // still stores their chunks, so there may be a few more files than acknowledgements.
  for (const run of runs) acknowledged += run.warmup2xx + run.responses2xx;
  console.log(`Chunk files stored: ${storedFiles}, uploads acknowledged with 200: ${acknowledged}`);
  if (storedFiles < acknowledged) console.warn('Fewer chunk files than acknowledged uploads');
  const failures = runs.filter((run) => run.non2xx > 0 || run.errors > 0);
  if (failures.length > 0) console.warn(`Some requests failed: ${JSON.stringify(failures)}`);

  const file = writeResults('ingest', {
    machine: machine({
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadAtEnd,
      temporaryFilesystem: filesystemType(tmpdir()),
    }),
    options,
    payloads: payloadSummary,
    fsync,
    ceiling,
    runs: runs.map((run) => ({
      ...run,
      ingestOverCeiling: round(run.chunksPerSecond / ceiling.chunksPerSecond, 4),
    })),
    chunkFilesStored: storedFiles,
    acknowledged2xx: acknowledged,
    finishedAt: new Date().toISOString(),
  });
  console.log(`Wrote ${file}`);
}

await main();
