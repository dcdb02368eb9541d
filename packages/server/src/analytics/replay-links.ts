import type { ReportReplay } from '@reprise/protocol';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/metadata/schema.js';
import { chunks, devicesOfUsers, identityJoin, personOf } from './identity.js';
import { profilesOf } from './users.js';

/** The player opens this long before the event, so the moment that led to it is on screen. */
export const leadInMs = 3_000;
/**
 * A replay of the user "covers" an event that fired up to this long before its first or after
 * its last recorded moment: the first event of a page often fires while the recorder loads.
 */
export const coverSlackMs = 10_000;

/** An event (or a funnel step) for which a replay is wanted. */
export interface Occurrence {
  eventName: string;
  personId: string | null;
  deviceId: string | null;
  replayId: string | null;
  time: number;
}

interface ReplayFacts {
  id: string;
  person_id: string | null;
  device_id: string | null;
  started_at: number;
  ended_at: number;
  duration_ms: number;
}

/**
 * Finds the replay of each occurrence: the replay named by the event's `$mp_replay_id`, else a
 * replay of the same user (the identity rule) or device that covers the event time. Returns
 * the occurrences that have one, in their order, at most one per replay.
 */
export async function linkReplays(
  db: Kysely<Database>,
  projectId: string,
  occurrences: readonly Occurrence[],
): Promise<ReportReplay[]> {
  const named = await replaysById(
    db,
    projectId,
    occurrences.map((item) => item.replayId),
  );
  const unlinked = occurrences.filter((item) => !item.replayId || !named.has(item.replayId));
  const covering = await coveringReplays(db, projectId, unlinked);

  const found: Array<{
    occurrence: Occurrence;
    replay: ReplayFacts;
    linkedBy: 'replay_id' | 'time';
  }> = [];
  const seen = new Set<string>();
  for (const occurrence of occurrences) {
    const byId = occurrence.replayId ? named.get(occurrence.replayId) : undefined;
    const replay = byId ?? pickCovering(covering, occurrence);
    if (!replay || seen.has(replay.id)) continue;
    seen.add(replay.id);
    found.push({ occurrence, replay, linkedBy: byId ? 'replay_id' : 'time' });
  }

  const profiles = await profilesOf(
    db,
    projectId,
    found.map((item) => item.occurrence.personId ?? item.replay.person_id),
  );
  return found.map(({ occurrence, replay, linkedBy }) => {
    const userId = occurrence.personId ?? replay.person_id ?? '';
    const profile = profiles.get(userId);
    return {
      replayId: replay.id,
      userId,
      userName: profile?.name ?? null,
      userEmail: profile?.email ?? null,
      eventName: occurrence.eventName,
      eventAt: occurrence.time,
      replayStartedAt: replay.started_at,
      replayDurationMs: replay.duration_ms,
      offsetMs: playerOffsetMs(replay, occurrence.time),
      linkedBy,
    };
  });
}

/** Position, ms from the replay's start, where the player opens for an event at `time`. */
export function playerOffsetMs(
  replay: { started_at: number; duration_ms: number },
  time: number,
): number {
  const offset = time - replay.started_at - leadInMs;
  return Math.min(Math.max(0, offset), Math.max(0, replay.duration_ms));
}

function replayColumns() {
  return sql`r.id, ${personOf('r')} as person_id, r.device_id, r.started_at, r.ended_at, r.duration_ms`;
}

async function replaysById(
  db: Kysely<Database>,
  projectId: string,
  ids: readonly (string | null)[],
): Promise<Map<string, ReplayFacts>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  const found = new Map<string, ReplayFacts>();
  for (const part of chunks(wanted, 500)) {
    const result = await sql<ReplayFacts>`
      select ${replayColumns()} from replays r ${identityJoin('r')}
      where r.project_id = ${projectId} and r.id in (${sql.join(part)})`.execute(db);
    for (const row of result.rows) found.set(row.id, normalize(row));
  }
  return found;
}

/** Loads the replays of the occurrences' users and devices that overlap their times. */
async function coveringReplays(
  db: Kysely<Database>,
  projectId: string,
  occurrences: readonly Occurrence[],
): Promise<ReplayFacts[]> {
  if (occurrences.length === 0) return [];
  const people = [...new Set(occurrences.flatMap((item) => item.personId ?? []))];
  const owned = await devicesOfUsers(db, projectId, people);
  const devices = [
    ...new Set([
      ...occurrences.flatMap((item) => item.deviceId ?? []),
      ...owned.map((row) => row.device_id),
    ]),
  ];
  const times = occurrences.map((item) => item.time);
  const earliest = Math.min(...times) - coverSlackMs;
  const latest = Math.max(...times) + coverSlackMs;

  const found: ReplayFacts[] = [];
  const matches = [
    ...chunks(people, 300).map((part) => sql`r.user_id in (${sql.join(part)})`),
    ...chunks(people, 300).map((part) => sql`r.distinct_id in (${sql.join(part)})`),
    ...chunks(devices, 300).map((part) => sql`r.device_id in (${sql.join(part)})`),
  ];
  for (const match of matches) {
    const result = await sql<ReplayFacts>`
      select ${replayColumns()} from replays r ${identityJoin('r')}
      where r.project_id = ${projectId} and ${match}
        and r.started_at <= ${latest} and r.ended_at >= ${earliest}`.execute(db);
    found.push(...result.rows.map(normalize));
  }
  return found;
}

/**
 * Picks the replay of the occurrence's user or device that covers its time: one recording at
 * that moment if there is one, else the nearest within `coverSlackMs`.
 */
function pickCovering(replays: readonly ReplayFacts[], occurrence: Occurrence) {
  let best: ReplayFacts | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const replay of replays) {
    const sameUser = occurrence.personId !== null && replay.person_id === occurrence.personId;
    const sameDevice = occurrence.deviceId !== null && replay.device_id === occurrence.deviceId;
    if (!sameUser && !sameDevice) continue;
    const distance = Math.max(
      0,
      replay.started_at - occurrence.time,
      occurrence.time - replay.ended_at,
    );
    if (distance > coverSlackMs) continue;
    if (
      distance < bestDistance ||
      (distance === bestDistance && replay.started_at > best!.started_at)
    ) {
      best = replay;
      bestDistance = distance;
    }
  }
  return best;
}

function normalize(row: ReplayFacts): ReplayFacts {
  return {
    ...row,
    started_at: Number(row.started_at),
    ended_at: Number(row.ended_at),
    duration_ms: Number(row.duration_ms),
  };
}
