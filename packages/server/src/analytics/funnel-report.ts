import {
  conversionWindowMs,
  type FunnelQuery,
  type FunnelReport,
  type FunnelStep,
  type ReportReplay,
  type ReportReplayList,
} from '@reprise/protocol';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../store/metadata/migrations.js';
import type { Database } from '../store/metadata/schema.js';
import { eventSource } from './event-source.js';
import { bestFunnelPath, totalFunnel, type FunnelPath, type FunnelWindow } from './funnel.js';
import { linkReplays, type Occurrence } from './replay-links.js';
import { planBuckets } from './time-buckets.js';

/** One event of a funnel user, with what the drill-down needs to find its replay. */
interface StepEvent {
  time: number;
  mask: number;
  name: string;
  deviceId: string | null;
  replayId: string | null;
}

interface PersonResult {
  personId: string;
  events: StepEvent[];
  path: FunnelPath;
}

/** Runs a funnel: users, conversion and median time per step. */
export async function runFunnel(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  query: FunnelQuery,
): Promise<FunnelReport> {
  const window = funnelWindow(query);
  const people = await evaluatePeople(db, dialect, projectId, query.steps, window, false);
  const totals = totalFunnel(
    people.map(({ path, events }) => ({ path, times: events.map((event) => event.time) })),
    query.steps.length,
  );

  const first = totals.users[0] ?? 0;
  const steps = query.steps.map((step, index) => {
    const users = totals.users[index]!;
    const previous = index === 0 ? users : totals.users[index - 1]!;
    const next = totals.users[index + 1];
    return {
      event: step.event,
      ...(step.filter ? { filter: step.filter } : {}),
      users,
      conversionFromPrevious: index === 0 ? 1 : ratio(users, previous),
      conversionFromFirst: ratio(users, first),
      droppedAfter: next === undefined ? 0 : users - next,
      medianMsFromPrevious: totals.medianMsFromPrevious[index] ?? null,
    };
  });
  return {
    steps,
    enterFrom: window.enterFrom,
    enterUntil: window.enterUntil,
    windowMs: window.windowMs,
  };
}

/**
 * Lists replays of the users who reached `step` (`converted`), or who reached it and not the
 * next (`dropped`), newest first, each opened at the event matched for that step.
 */
export async function findFunnelReplays(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  query: FunnelQuery & { step: number; outcome: 'converted' | 'dropped'; limit: number },
): Promise<ReportReplayList> {
  const window = funnelWindow(query);
  const people = await evaluatePeople(db, dialect, projectId, query.steps, window, true);
  const selected = people.filter(({ path }) =>
    query.outcome === 'converted' ? path.reached > query.step : path.reached === query.step + 1,
  );

  const occurrences: Occurrence[] = selected.map(({ personId, events, path }) => {
    const event = events[path.matched[query.step]!]!;
    return {
      eventName: event.name,
      personId,
      deviceId: event.deviceId,
      replayId: event.replayId,
      time: event.time,
    };
  });
  occurrences.sort((a, b) => b.time - a.time);

  const replays: ReportReplay[] = [];
  for (let start = 0; start < occurrences.length && replays.length < query.limit; start += 200) {
    const found = await linkReplays(db, projectId, occurrences.slice(start, start + 200));
    replays.push(
      ...found.filter((item) => !replays.some((seen) => seen.replayId === item.replayId)),
    );
  }
  return { replays: replays.slice(0, query.limit), scannedEvents: occurrences.length };
}

function funnelWindow(query: FunnelQuery): FunnelWindow {
  const plan = planBuckets(query.from, query.to, 'day', query.timeZone);
  return {
    enterFrom: plan.rangeStart,
    enterUntil: plan.rangeEnd,
    windowMs: conversionWindowMs(query.window),
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/**
 * Loads the step events of every user in range (one query per event name) and finds each
 * user's best attempt.
 */
async function evaluatePeople(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  steps: readonly FunnelStep[],
  window: FunnelWindow,
  details: boolean,
): Promise<PersonResult[]> {
  const range = { start: window.enterFrom, end: window.enterUntil + window.windowMs };
  const byPerson = new Map<string, StepEvent[]>();
  for (const name of new Set(steps.map((step) => step.event))) {
    const rows = await loadStepEvents(db, dialect, projectId, name, steps, range, details);
    for (const { personId, event } of rows) {
      const list = byPerson.get(personId);
      if (list) list.push(event);
      else byPerson.set(personId, [event]);
    }
  }

  const results: PersonResult[] = [];
  for (const [personId, events] of byPerson) {
    const enters = events.some(
      (event) =>
        (event.mask & 1) !== 0 && event.time >= window.enterFrom && event.time < window.enterUntil,
    );
    if (!enters) continue;
    events.sort(compareStepEvents);
    const path = bestFunnelPath(events, steps.length, window);
    if (path.reached > 0) results.push({ personId, events, path });
  }
  return results;
}

/**
 * Loads the events of one name with the steps each matches as a bit mask: a step matches the
 * events of its name that pass its property filter. `details` adds the device and replay ids,
 * which only the drill-down needs; leaving them out keeps the rows small.
 */
async function loadStepEvents(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  name: string,
  steps: readonly FunnelStep[],
  range: { start: number; end: number },
  details: boolean,
): Promise<Array<{ personId: string; event: StepEvent }>> {
  const source = eventSource(dialect, projectId, name, range);
  const bits = steps.flatMap((step, index) => {
    if (step.event !== name) return [];
    const bit = sql.lit(1 << index);
    if (!step.filter) return [bit];
    const value = source.propertyText(step.filter.property);
    return [sql`(case when ${value} = ${step.filter.value} then ${bit} else 0 end)`];
  });
  const detailColumns = details
    ? sql`, ${source.deviceId} as device_id, ${source.replayId} as replay_id`
    : sql``;
  const result = await sql<{
    person_id: string | null;
    time_ms: number | string;
    mask: number | string;
    device_id?: string | null;
    replay_id?: string | null;
  }>`
    select ${source.person} as person_id, ${source.time} as time_ms,
      ${sql.join(bits, sql` + `)} as mask ${detailColumns}
    from ${source.from}
    where ${source.where}`.execute(db);

  const events: Array<{ personId: string; event: StepEvent }> = [];
  for (const row of result.rows) {
    const mask = Number(row.mask);
    if (row.person_id === null || mask === 0) continue;
    events.push({
      personId: row.person_id,
      event: {
        time: Number(row.time_ms),
        mask,
        name,
        deviceId: row.device_id ?? null,
        replayId: row.replay_id ?? null,
      },
    });
  }
  return events;
}

/**
 * Orders a user's events by time. Events in the same ms go in funnel order (the lowest step
 * each matches first), so `A` and `B` logged together count as A then B; the name and replay id
 * then make the order the same on every database.
 */
function compareStepEvents(a: StepEvent, b: StepEvent): number {
  return (
    a.time - b.time ||
    lowestBit(a.mask) - lowestBit(b.mask) ||
    compareText(a.name, b.name) ||
    compareText(a.replayId ?? '', b.replayId ?? '')
  );
}

function lowestBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

/** Compares by UTF-16 code units, the same order on every database and machine. */
function compareText(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
