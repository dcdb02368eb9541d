import type { ChunkList, ReplaySummary } from '@reprise/protocol';
import type { TestServer } from '@reprise/server/test-support';
import type { ProxiedRequest } from './recording-proxy.js';

/** An rrweb event as stored, with the fields tests read. */
export interface StoredRrwebEvent {
  type: number;
  timestamp: number;
  data: Record<string, unknown>;
}

/** rrweb event types that tests look for. */
export const rrwebType = { fullSnapshot: 2, incremental: 3, meta: 4 } as const;

/** Returns the replay's facts from the query API, or undefined while it does not exist. */
export async function getReplay(
  server: TestServer,
  replayId: string,
): Promise<ReplaySummary | undefined> {
  const response = await server.api(`/api/replays/${replayId}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET /api/replays/${replayId} returned ${response.status}`);
  return (await response.json()) as ReplaySummary;
}

/** Returns the replay's stored chunks in seq order. */
export async function getChunks(server: TestServer, replayId: string): Promise<ChunkList> {
  const response = await server.api(`/api/replays/${replayId}/chunks`);
  if (response.status === 404) return { replayId, chunks: [] };
  if (!response.ok) throw new Error(`GET chunks of ${replayId} returned ${response.status}`);
  return (await response.json()) as ChunkList;
}

/** Returns the rrweb events of one stored chunk. */
export async function getChunkEvents(
  server: TestServer,
  replayId: string,
  seq: number,
): Promise<StoredRrwebEvent[]> {
  const response = await server.api(`/api/replays/${replayId}/chunks/${seq}`);
  if (!response.ok) throw new Error(`GET chunk ${seq} of ${replayId} returned ${response.status}`);
  return (await response.json()) as StoredRrwebEvent[];
}

/** Returns every stored rrweb event of the replay, in seq order; empty before it exists. */
export async function getReplayEvents(
  server: TestServer,
  replayId: string,
): Promise<StoredRrwebEvent[]> {
  const response = await server.api(`/api/replays/${replayId}/events`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`GET events of ${replayId} returned ${response.status}`);
  return (await response.json()) as StoredRrwebEvent[];
}

/** Returns the `/record/` POSTs that went through a proxy, in the order of their replies. */
export function recordUploads(requests: ProxiedRequest[]): ProxiedRequest[] {
  return requests.filter(
    (request) => request.method === 'POST' && request.url.pathname === '/record/',
  );
}

/** Parses the rrweb events of a `/record/` upload that a proxy kept. */
export function uploadEvents(request: ProxiedRequest): StoredRrwebEvent[] {
  return JSON.parse(request.decodedText) as StoredRrwebEvent[];
}

/** Returns the `seq` query parameter of a `/record/` upload. */
export function uploadSeq(request: ProxiedRequest): number {
  return Number(request.url.searchParams.get('seq'));
}

/**
 * Returns the steps that the test page's `mark(step)` set, as rrweb attribute mutations of
 * `data-step`, in the order they occur in `events`.
 */
export function markedSteps(events: StoredRrwebEvent[]): number[] {
  const steps: number[] = [];
  for (const event of events) {
    if (event.type !== rrwebType.incremental) continue;
    const attributes = (event.data.attributes ?? []) as Array<{
      attributes: Record<string, unknown>;
    }>;
    for (const change of attributes) {
      const step = change.attributes['data-step'];
      if (typeof step === 'string') steps.push(Number(step));
    }
  }
  return steps;
}
