/**
 * Reads the example shop's recorded sample sessions (examples/shop/samples/*.json.gz), which the
 * ingest and player benchmarks turn into `/record/` uploads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RrwebEvent } from '@reprise/protocol';
import { repositoryRoot } from './report.js';

export interface SampleChunk {
  seq: number;
  events: RrwebEvent[];
}

export interface SampleReplay {
  /** Sample file name, for example `01-signed-up.json.gz`. */
  file: string;
  chunks: SampleChunk[];
}

/** Origin that the samples were recorded on: the demo shop of a server on its default port. */
export const recordedOrigin = 'http://127.0.0.1:8484';

export const samplesFolder = join(repositoryRoot, 'examples', 'shop', 'samples');

/** Reads every replay of every sample file, chunks in seq order. */
export function readSampleReplays(): SampleReplay[] {
  const replays: SampleReplay[] = [];
  for (const file of readdirSync(samplesFolder)
    .filter((name) => name.endsWith('.json.gz'))
    .sort()) {
    const content = JSON.parse(
      gunzipSync(readFileSync(join(samplesFolder, file))).toString('utf8'),
    ) as {
      replays: Array<{ chunks: SampleChunk[] }>;
    };
    for (const replay of content.replays) {
      const chunks = [...replay.chunks].sort((a, b) => a.seq - b.seq);
      replays.push({
        file,
        chunks: chunks.map((chunk) => ({ seq: chunk.seq, events: chunk.events })),
      });
    }
  }
  if (replays.length === 0) throw new Error(`No sample replays found in ${samplesFolder}`);
  return replays;
}

/** Returns the earliest and latest event timestamp of `replay`, Unix ms. */
export function timeSpan(chunks: readonly SampleChunk[]): { startMs: number; endMs: number } {
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const chunk of chunks) {
    for (const event of chunk.events) {
      startMs = Math.min(startMs, event.timestamp);
      endMs = Math.max(endMs, event.timestamp);
    }
  }
  return { startMs, endMs };
}
