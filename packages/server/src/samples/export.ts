import { gunzipSync } from 'node:zlib';
import type { RrwebEvent } from '@reprise/protocol';
import type { ServerContext } from '../context.js';
import { readJsonObject } from '../store/metadata/json.js';
import type { SampleFile, SampleReplay } from './format.js';

/**
 * Builds a sample file from stored replays: their chunks, the analytics events linked to them
 * or to their users, and those users' profiles. Used by the script that records the samples.
 */
export async function exportSample(
  context: ServerContext,
  projectId: string,
  replayIds: string[],
): Promise<SampleFile> {
  const replays: SampleReplay[] = [];
  const identities = new Set<string>();
  for (const id of replayIds) {
    const replay = await context.metadata.replays.getReplay(projectId, id);
    if (!replay) throw new Error(`Replay ${id} not found in project ${projectId}`);
    for (const identity of [replay.distinct_id, replay.user_id, replay.device_id]) {
      if (identity) identities.add(identity);
    }
    replays.push({
      id,
      browser: replay.browser,
      os: replay.os,
      chunks: await exportChunks(context, projectId, id),
    });
  }

  const rows = await context.metadata.analytics.listEventsOfIdentities(projectId, [...identities]);
  const events = rows.map((row) => {
    const properties = readJsonObject(row.properties);
    delete properties.token;
    return { event: row.name, properties };
  });

  const profiles: SampleFile['profiles'] = [];
  for (const identity of identities) {
    const profile = await context.metadata.analytics.getProfile(projectId, identity);
    if (profile)
      profiles.push({ distinctId: identity, properties: readJsonObject(profile.properties) });
  }
  return { format: 'reprise-sample', version: 1, replays, events, profiles };
}

async function exportChunks(context: ServerContext, projectId: string, replayId: string) {
  const chunks = await context.metadata.replays.listChunks(projectId, replayId);
  return Promise.all(
    chunks.map(async (chunk) => {
      const stored = await context.blobs.get(chunk.blob_key);
      if (!stored) throw new Error(`Chunk ${chunk.seq} of replay ${replayId} is missing`);
      const text = (chunk.encoding === 'gzip' ? gunzipSync(stored) : stored).toString('utf8');
      return {
        seq: chunk.seq,
        distinctId: chunk.distinct_id,
        deviceId: chunk.device_id,
        userId: chunk.user_id,
        currentUrl: chunk.first_url,
        events: JSON.parse(text) as RrwebEvent[],
      };
    }),
  );
}
