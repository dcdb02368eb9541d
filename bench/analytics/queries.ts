import type { TestServer } from '@reprise/server/test-support';
import { anchorMs, searchTerms, type DatasetSize } from './dataset.js';

/** One measured request, or a set of requests a page sends together. */
export interface BenchQuery {
  name: string;
  /** Sends the requests of iteration `index`; throws unless every response is 200. */
  run(server: TestServer, index: number): Promise<void>;
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (response.status !== 200) {
    throw new Error(`${what} failed with HTTP ${response.status}: ${await response.text()}`);
  }
  await response.arrayBuffer();
}

function get(server: TestServer, path: string) {
  return server.api(path).then((response) => expectOk(response, `GET ${path}`));
}

function post(server: TestServer, path: string, body: unknown) {
  return server
    .api(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    .then((response) => expectOk(response, `POST ${path}`));
}

/** The last 30 days of the data set, which ends on 2030-01-30, in Paris. */
const last30Days = { from: '2030-01-01', to: '2030-01-30', timeZone: 'Europe/Paris' };

/** Returns a distinct id of the data set, which the profile routes resolve to its user. */
function someUser(size: DatasetSize, index: number): string {
  const user = (index * 7919) % size.users;
  return `$device:dev-${user.toString(16).padStart(8, '0')}`;
}

export function queries(size: DatasetSize): BenchQuery[] {
  return [
    {
      name: 'feed search by name',
      run: (server, index) => {
        const q = searchTerms.lastNames[index % searchTerms.lastNames.length]!;
        return get(server, `/api/replays?q=${encodeURIComponent(q)}&limit=50`);
      },
    },
    {
      name: 'feed search by user id',
      run: (server, index) =>
        get(
          server,
          `/api/replays?q=${encodeURIComponent(`user${(index * 31) % size.users}@example.com`)}`,
        ),
    },
    {
      name: 'event chart, 30 days, total',
      run: (server) =>
        post(server, '/api/reports/events', { ...last30Days, events: ['Product Viewed'] }),
    },
    {
      name: 'event chart, 30 days, unique users',
      run: (server) =>
        post(server, '/api/reports/events', {
          ...last30Days,
          events: ['Product Viewed'],
          measure: 'unique',
        }),
    },
    {
      name: 'event chart, 30 days, breakdown',
      run: (server) =>
        post(server, '/api/reports/events', {
          ...last30Days,
          events: ['Product Viewed'],
          breakdown: { property: 'product', limit: 5 },
        }),
    },
    {
      name: 'chart point replays',
      run: (server) =>
        post(server, '/api/reports/events/replays', {
          event: 'Sign Up Started',
          start: Date.UTC(2030, 0, 20),
          end: Date.UTC(2030, 0, 21),
        }),
    },
    {
      name: 'funnel, 3 steps, 30 days',
      run: (server) =>
        post(server, '/api/reports/funnels', {
          ...last30Days,
          steps: [
            { event: 'Product Viewed' },
            { event: 'Sign Up Started' },
            { event: 'Sign Up Completed' },
          ],
          window: { value: 1, unit: 'day' },
        }),
    },
    {
      name: 'users list',
      run: (server) => get(server, '/api/users?limit=50'),
    },
    {
      name: 'profile page',
      run: async (server, index) => {
        const id = encodeURIComponent(someUser(size, index));
        await Promise.all([
          get(server, `/api/users/${id}`),
          get(server, `/api/users/${id}/events?limit=50`),
          get(server, `/api/users/${id}/replays?limit=25`),
        ]);
      },
    },
    {
      // Last, because it adds events: the store call behind `/track/`, with the session and
      // user index updates that run in its transaction.
      name: 'store 50 tracked events',
      run: async (server, index) => {
        const rows = Array.from({ length: 50 }, (_, item) => trackedRow(size, index, item));
        await server.context.metadata.analytics.insertEvents(rows);
      },
    },
  ];
}

/** Builds a new event of a data set user, a few minutes before the data set ends. */
function trackedRow(size: DatasetSize, iteration: number, item: number) {
  const user = ((iteration * 50 + item) * 104_729) % size.users;
  const deviceId = `dev-${user.toString(16).padStart(8, '0')}`;
  const time = anchorMs - 10 * 60_000 + item * 1_000;
  return {
    project_id: 'default',
    insert_id: `bench-${iteration}-${item}`,
    name: 'Page Viewed',
    distinct_id: `$device:${deviceId}`,
    device_id: deviceId,
    user_id: null,
    time_ms: time,
    replay_id: null,
    current_url: 'https://shop.example/',
    properties: '{"$current_url":"https://shop.example/"}',
    received_at: time,
  };
}
