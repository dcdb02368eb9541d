import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { trackedEventSchema, type RrwebEvent } from '@reprise/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerContext } from '../context.js';
import { eventRow } from '../ingest/event-row.js';
import { storeChunkUpload } from '../ingest/store-chunk.js';
import type { ProjectRow } from '../store/metadata/index.js';
import { sampleFormat, type SampleFile } from './format.js';

/** Gap between the ends of consecutive samples, so the feed shows them in a stable order. */
const sampleSpacingMs = 7 * 60 * 1000;

/** Returns the sample files shipped with the example shop, in name order. */
export function findSampleFiles(): string[] {
  try {
    const require = createRequire(import.meta.url);
    const folder = join(dirname(require.resolve('@reprise/example-shop/package.json')), 'samples');
    return readdirSync(folder)
      .filter((name) => name.endsWith('.json.gz'))
      .sort()
      .map((name) => join(folder, name));
  } catch {
    return [];
  }
}

/**
 * Imports sample replays, with their events and profiles, into the first project when it has
 * no replay yet, shifted in time so the last sample ends now. Returns how many replays it
 * imported. Goes through the same storage code as `/record/` and `/track/`.
 */
export async function importSamples(
  context: ServerContext,
  log: FastifyBaseLogger,
  files: string[] = findSampleFiles(),
): Promise<number> {
  const [project] = await context.metadata.accounts.listProjects();
  if (!project || files.length === 0) return 0;
  if ((await context.metadata.replays.countReplays(project.id)) > 0) return 0;

  let imported = 0;
  for (const [index, file] of files.entries()) {
    const sample = withFreshReplayIds(readSample(file, serverOrigin(context.settings)));
    const endAt = context.now() - (files.length - 1 - index) * sampleSpacingMs;
    imported += await importSample(context, log, project, shiftSample(sample, endAt));
  }
  log.info({ replays: imported, projectId: project.id }, 'imported sample replays');
  return imported;
}

/** Origin of the example shop in sample files; import replaces it with this server's. */
export const sampleOrigin = 'http://127.0.0.1:8484';

/** Returns the origin people reach this server at, or null when the port is chosen at start. */
function serverOrigin(settings: ServerContext['settings']): string | null {
  if (settings.publicUrl) return new URL(settings.publicUrl).origin;
  if (settings.port === 0) return null;
  const host = ['0.0.0.0', '::'].includes(settings.host) ? '127.0.0.1' : settings.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${settings.port}`;
}

function readSample(file: string, origin: string | null): SampleFile {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  const sample = JSON.parse(origin ? text.replaceAll(sampleOrigin, origin) : text) as SampleFile;
  if (sample.format !== sampleFormat || sample.version !== 1) {
    throw new Error(`${file} is not a Reprise sample file of version 1`);
  }
  return sample;
}

/**
 * Gives each replay a new id, and its linked events the same new id, so that every install's
 * samples have their own ids and cannot be written to by someone who read them elsewhere.
 */
function withFreshReplayIds(sample: SampleFile): SampleFile {
  const ids = new Map(sample.replays.map((replay) => [replay.id, randomUUID()]));
  return {
    ...sample,
    replays: sample.replays.map((replay) => ({ ...replay, id: ids.get(replay.id)! })),
    events: sample.events.map((event) => {
      const replayId = event.properties.$mp_replay_id;
      if (typeof replayId !== 'string' || !ids.has(replayId)) return event;
      return { ...event, properties: { ...event.properties, $mp_replay_id: ids.get(replayId) } };
    }),
  };
}

/** Moves every time in the sample by the same amount, so its last rrweb event is at `endAt`. */
function shiftSample(sample: SampleFile, endAt: number): SampleFile {
  const times = sample.replays.flatMap((replay) =>
    replay.chunks.flatMap((chunk) => chunk.events.map((event) => event.timestamp)),
  );
  const shiftMs = endAt - Math.max(...times);
  return {
    ...sample,
    replays: sample.replays.map((replay) => ({
      ...replay,
      chunks: replay.chunks.map((chunk) => ({
        ...chunk,
        events: chunk.events.map((event) => ({ ...event, timestamp: event.timestamp + shiftMs })),
      })),
    })),
    events: sample.events.map((event) => {
      const time = event.properties.time;
      return typeof time !== 'number'
        ? event
        : { ...event, properties: { ...event.properties, time: time + shiftMs / 1000 } };
    }),
  };
}

async function importSample(
  context: ServerContext,
  log: FastifyBaseLogger,
  project: ProjectRow,
  sample: SampleFile,
): Promise<number> {
  for (const replay of sample.replays) {
    for (const chunk of replay.chunks) {
      const json = Buffer.from(JSON.stringify(chunk.events));
      await storeChunkUpload(context, project, {
        replayId: replay.id,
        seq: chunk.seq,
        distinctId: chunk.distinctId,
        deviceId: chunk.deviceId,
        userId: chunk.userId,
        currentUrl: chunk.currentUrl,
        platform: { browser: replay.browser, os: replay.os },
        body: {
          events: chunk.events as RrwebEvent[],
          stored: gzipSync(json),
          encoding: 'gzip',
          decompressedBytes: json.length,
          bodyParameters: {},
        },
        log,
      });
    }
  }

  const now = context.now();
  const rows = sample.events.map((event) =>
    eventRow(
      project.id,
      trackedEventSchema.parse({
        ...event,
        properties: { ...event.properties, token: project.token },
      }),
      now,
    ),
  );
  await context.metadata.analytics.insertEvents(rows);
  // `/track/` links a device to the user named in the same event. The samples need the same
  // links, because otherwise a user's events from before sign-up stay with an anonymous device.
  const links = new Map<string, [string, string]>();
  for (const { properties } of sample.events) {
    const { $device_id: deviceId, $user_id: userId } = properties;
    if (typeof deviceId === 'string' && deviceId !== '' && typeof userId === 'string' && userId) {
      links.set(`${deviceId}\n${userId}`, [deviceId, userId]);
    }
  }
  for (const [deviceId, userId] of links.values()) {
    await context.metadata.analytics.recordIdentity(project.id, deviceId, userId, now);
  }
  await context.metadata.analytics.applyPeopleUpdates(
    project.id,
    sample.profiles.map((profile) => ({
      $token: project.token,
      $distinct_id: profile.distinctId,
      $set: profile.properties,
    })),
    now,
  );
  return sample.replays.length;
}
