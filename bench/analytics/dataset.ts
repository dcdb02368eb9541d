import type { TestServer } from '@reprise/server/test-support';

/** The metadata store the data set is written to. */
type Store = TestServer['context']['metadata'];
import { Random } from './random.js';

/** Size of the generated data set; the defaults are the sizes the benchmark is about. */
export interface DatasetSize {
  users: number;
  replays: number;
  /** Events are generated per visit, about `events / replays` each, so the total is close. */
  events: number;
  /** Days over which visits are spread, ending at `anchorMs`. */
  days: number;
}

export const fullSize: DatasetSize = {
  users: 50_000,
  replays: 100_000,
  events: 1_000_000,
  days: 60,
};

/** Every visit ends before this time: 2030-01-31 00:00 UTC. */
export const anchorMs = Date.UTC(2030, 0, 31);

const dayMs = 86_400_000;
const projectId = 'default';
/** Events per transaction. */
const eventBatch = 5_000;
/** Rows per multi-row INSERT of replays, profiles and identities. */
const rowBatch = 500;

const firstNames = ['Ada', 'Bo', 'Chidi', 'Dana', 'Emeka', 'Farah', 'Goro', 'Hana', 'Ivo', 'Juno'];
const lastNames = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Quinn', 'Silva', 'Novak', 'Haddad'];
const products = ['ethiopia-guji', 'house-blend', 'decaf-colombia', 'cold-brew-kit'];

/** The shop's journey: each event name and the names that may follow it, with weights. */
const journey: Record<string, Array<[string, number]>> = {
  'Page Viewed': [
    ['Product Clicked', 6],
    ['Page Viewed', 2],
  ],
  'Product Clicked': [['Product Viewed', 1]],
  'Product Viewed': [
    ['Added to Cart', 3],
    ['Page Viewed', 3],
    ['Sign Up Started', 2],
  ],
  'Added to Cart': [
    ['Sign Up Started', 3],
    ['Page Viewed', 2],
  ],
  'Sign Up Started': [
    ['Sign Up Completed', 4],
    ['Sign Up Failed', 2],
  ],
  'Sign Up Failed': [
    ['Sign Up Completed', 1],
    ['Page Viewed', 1],
  ],
  'Sign Up Completed': [['Page Viewed', 1]],
};

interface User {
  index: number;
  deviceId: string;
  /** Set for users who log in; their visits from `loginVisit` on are logged in. */
  userId: string | null;
  loginVisit: number;
  visitStarts: number[];
}

export interface GeneratedCounts {
  users: number;
  replays: number;
  events: number;
  profiles: number;
}

/**
 * Generates the shop's traffic with a fixed seed and stores it through the metadata store:
 * profiles, identities, replay rows and events with multi-row inserts, then the sessions and
 * users derived from the events with `PeopleIndex.rebuild`. Replays have no chunks, because
 * the benchmark reads no recording. The ingestion path, `AnalyticsStore.insertEvents` with its
 * index updates, is measured as a query of its own.
 */
export async function generateDataset(
  store: Store,
  size: DatasetSize,
  seed = 20300131,
): Promise<GeneratedCounts> {
  const random = new Random(seed);
  const users = planUsers(random, size);
  const counts: GeneratedCounts = { users: users.length, replays: 0, events: 0, profiles: 0 };
  counts.profiles = await insertProfiles(store, random, users);
  await insertIdentities(store, users);

  const eventsPerVisit = size.events / size.replays;
  let events: EventRowLike[] = [];
  let replays: ReplayRowLike[] = [];
  for (const user of users) {
    for (const [visit, start] of user.visitStarts.entries()) {
      const visitEvents = generateVisit(random, user, visit, start, eventsPerVisit);
      replays.push(replayRow(user, visit, visitEvents, counts.replays));
      events.push(...visitEvents.map((event) => linkEvent(random, event, counts.replays)));
      counts.replays += 1;
      counts.events += visitEvents.length;
      if (replays.length >= rowBatch) replays = await flushReplays(store, replays);
      if (events.length >= eventBatch) events = await flushEvents(store, events);
    }
  }
  await flushReplays(store, replays);
  await flushEvents(store, events);
  // Set-based, in a few statements: the same sessions and users that `insertEvents` keeps up
  // to date one batch at a time (a test checks that both agree).
  await store.people.rebuild(store.connection.db, projectId);
  return counts;
}

/**
 * Plans the users and their visits. Every user gets one visit, and the rest go to a few heavy
 * users more often than to others.
 */
function planUsers(random: Random, size: DatasetSize): User[] {
  const users: User[] = Array.from({ length: size.users }, (_, index) => ({
    index,
    deviceId: `dev-${index.toString(16).padStart(8, '0')}`,
    userId: random.chance(0.6) ? `user${index}@example.com` : null,
    loginVisit: 0,
    visitStarts: [],
  }));
  const rangeStart = anchorMs - size.days * dayMs;
  for (let visit = 0; visit < size.replays; visit++) {
    const user =
      visit < size.users ? users[visit]! : users[Math.floor(random.next() ** 2 * size.users)]!;
    user.visitStarts.push(rangeStart + Math.floor(random.next() * (size.days * dayMs - dayMs)));
  }
  for (const user of users) {
    user.visitStarts.sort((a, b) => a - b);
    user.loginVisit = random.integer(0, user.visitStarts.length - 1);
  }
  return users;
}

interface EventRowLike {
  project_id: string;
  insert_id: string;
  name: string;
  distinct_id: string | null;
  device_id: string | null;
  user_id: string | null;
  time_ms: number;
  replay_id: string | null;
  current_url: string | null;
  properties: string;
  received_at: number;
}

function generateVisit(
  random: Random,
  user: User,
  visit: number,
  start: number,
  eventsPerVisit: number,
): EventRowLike[] {
  const loggedIn = user.userId !== null && visit >= user.loginVisit;
  const length = random.integer(4, Math.max(4, Math.round(eventsPerVisit * 2 - 4)));
  const events: EventRowLike[] = [];
  let name = 'Page Viewed';
  let time = start;
  for (let index = 0; index < length; index++) {
    const product = random.pick(products);
    const url = `https://shop.example/${name === 'Page Viewed' ? '' : `product.html?id=${product}`}`;
    events.push({
      project_id: projectId,
      insert_id: `e-${user.index}-${visit}-${index}`,
      name,
      distinct_id: loggedIn ? user.userId : `$device:${user.deviceId}`,
      device_id: user.deviceId,
      user_id: loggedIn ? user.userId : null,
      time_ms: time,
      replay_id: null,
      current_url: url,
      properties: JSON.stringify({
        $current_url: url,
        $browser: 'Chrome',
        $os: random.pick(['Mac OS X', 'Windows', 'Linux', 'iOS', 'Android']),
        mp_lib: 'web',
        $lib_version: '0.1.0',
        product,
        price: random.integer(9, 45),
        plan: random.pick(['free', 'pro', 'team']),
      }),
      received_at: time + 1_000,
    });
    time += random.integer(2_000, 60_000);
    name = nextName(random, name);
  }
  return events;
}

function nextName(random: Random, name: string): string {
  const options = journey[name]!;
  const total = options.reduce((sum, [, weight]) => sum + weight, 0);
  let pick = random.next() * total;
  for (const [next, weight] of options) {
    pick -= weight;
    if (pick < 0) return next;
  }
  return options[0]![0];
}

/** Nine events in ten carry the visit's replay id, as the SDK adds `$mp_replay_id`. */
function linkEvent(random: Random, event: EventRowLike, replayNumber: number): EventRowLike {
  return random.chance(0.9) ? { ...event, replay_id: replayId(replayNumber) } : event;
}

function replayId(replayNumber: number): string {
  return `r-${replayNumber.toString(16).padStart(8, '0')}`;
}

interface ReplayRowLike {
  project_id: string;
  id: string;
  distinct_id: string | null;
  device_id: string | null;
  user_id: string | null;
  started_at: number;
  ended_at: number;
  duration_ms: number;
  active_ms: number;
  first_url: string | null;
  chunk_count: number;
  event_count: number;
  click_count: number;
  rage_click_count: number;
  error_count: number;
  bytes: number;
  browser: string | null;
  os: string | null;
  expires_on: string;
  created_at: number;
  updated_at: number;
}

function replayRow(
  user: User,
  visit: number,
  events: EventRowLike[],
  replayNumber: number,
): ReplayRowLike {
  const first = events[0]!;
  const startedAt = first.time_ms - 1_000;
  const endedAt = events.at(-1)!.time_ms + 5_000;
  return {
    project_id: projectId,
    id: replayId(replayNumber),
    distinct_id: first.distinct_id,
    device_id: user.deviceId,
    user_id: first.user_id,
    started_at: startedAt,
    ended_at: endedAt,
    duration_ms: endedAt - startedAt,
    active_ms: Math.round((endedAt - startedAt) * 0.6),
    first_url: first.current_url,
    chunk_count: 1 + (visit % 3),
    event_count: events.length * 40,
    click_count: events.length * 2,
    rage_click_count: 0,
    error_count: 0,
    bytes: events.length * 4_000,
    browser: 'Chrome',
    os: 'Linux',
    expires_on: '2030-03-01',
    created_at: startedAt,
    updated_at: endedAt,
  };
}

async function flushReplays(store: Store, rows: ReplayRowLike[]): Promise<ReplayRowLike[]> {
  if (rows.length > 0) {
    await store.connection.db.insertInto('replays').values(rows).execute();
  }
  return [];
}

/** Inserts events in one transaction, `rowBatch` rows per statement. */
async function flushEvents(store: Store, rows: EventRowLike[]): Promise<EventRowLike[]> {
  await store.connection.db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += rowBatch) {
      await trx
        .insertInto('events')
        .values(rows.slice(start, start + rowBatch))
        .execute();
    }
  });
  return [];
}

async function insertProfiles(store: Store, random: Random, users: User[]): Promise<number> {
  const rows = users
    .filter((user) => user.userId !== null)
    .map((user) => {
      const name = `${random.pick(firstNames)} ${random.pick(lastNames)} ${user.index}`;
      const properties = { $name: name, $email: user.userId, plan: random.pick(['free', 'pro']) };
      return {
        project_id: projectId,
        distinct_id: user.userId!,
        name,
        email: user.userId,
        properties: JSON.stringify(properties),
        created_at: anchorMs,
        updated_at: anchorMs,
      };
    });
  const db = store.connection.db;
  for (let start = 0; start < rows.length; start += rowBatch) {
    await db
      .insertInto('profiles')
      .values(rows.slice(start, start + rowBatch))
      .execute();
  }
  return rows.length;
}

/** Stores each login's device-to-user link before the events, as `identify` would. */
async function insertIdentities(store: Store, users: User[]): Promise<void> {
  const rows = users
    .filter((user) => user.userId !== null)
    .map((user) => ({
      project_id: projectId,
      device_id: user.deviceId,
      user_id: user.userId!,
      created_at: anchorMs,
    }));
  const db = store.connection.db;
  for (let start = 0; start < rows.length; start += rowBatch) {
    await db
      .insertInto('identities')
      .values(rows.slice(start, start + rowBatch))
      .execute();
  }
}

/** Last names of the generated profiles, which the feed search queries look for. */
export const searchTerms = { lastNames };
