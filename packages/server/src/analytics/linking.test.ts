import { randomUUID } from 'node:crypto';
import type { ReplayAnalyticsEvents, ReplayPage, ReportReplayList } from '@reprise/protocol';
import { beforeAll, expect, it } from 'vitest';
import { postAnalytics, postApi } from '../test-support/analytics.js';
import { describeEachDatabase, postRecord, useTestServer } from '../test-support/record.js';
import { firstBatch, laterBatch } from '../test-support/rrweb.js';

const t0 = Date.UTC(2030, 0, 15, 12);

/**
 * Events as CDP destinations and servers send them: they carry `$mp_replay_id` copied from
 * `get_session_recording_properties()`, but neither the browser SDK's `mp_lib` nor its
 * identity fields.
 */
function cdpEvents(replayId: string) {
  const common = { token: 'rpt_test_token', $mp_replay_id: replayId };
  return [
    {
      event: 'Order Completed',
      properties: {
        ...common,
        distinct_id: 'user-9',
        time: (t0 + 5_000) / 1000,
        $insert_id: randomUUID(),
      },
    },
    {
      event: 'Checkout Started',
      properties: {
        ...common,
        distinct_id: 'anon-7f2',
        mp_lib: 'rudderstack',
        $lib_version: '3.0.0',
        time: (t0 + 3_000) / 1000,
        $insert_id: randomUUID(),
      },
    },
    {
      // A server-side event: time in Unix ms, no $insert_id.
      event: 'Invoice Paid',
      properties: { ...common, distinct_id: 'user-9', time: t0 + 8_000 },
    },
  ];
}

describeEachDatabase('replay linking from any source', (database) => {
  const server = useTestServer({ database, now: () => t0 });
  const replayId = randomUUID();

  beforeAll(async () => {
    for (const [seq, events] of [firstBatch(t0), laterBatch(t0 + 20_000)].entries()) {
      expect((await postRecord(server(), { replayId, seq, events })).status).toBe(200);
    }
    expect((await postAnalytics(server(), '/track/', cdpEvents(replayId))).status).toBe(200);
  });

  it('links every source to the replay', async () => {
    const response = await server().api(`/api/replays/${replayId}/analytics-events`);
    const body = (await response.json()) as ReplayAnalyticsEvents;
    expect(body.events.map((event) => [event.name, event.time - t0])).toEqual([
      ['Checkout Started', 3_000],
      ['Order Completed', 5_000],
      ['Invoice Paid', 8_000],
    ]);
    expect(body.events.every((event) => event.replayId === replayId)).toBe(true);
  });

  it('feed counts the linked events', async () => {
    const response = await server().api('/api/replays');
    const page = (await response.json()) as ReplayPage;
    expect(page.replays.find((replay) => replay.id === replayId)?.analyticsEventCount).toBe(3);
  });

  it('chart point opens the replay', async () => {
    const response = await postApi(server(), '/api/reports/events/replays', {
      event: 'Invoice Paid',
      start: Date.UTC(2030, 0, 15),
      end: Date.UTC(2030, 0, 16),
    });
    const body = (await response.json()) as ReportReplayList;
    expect(body.replays).toHaveLength(1);
    expect(body.replays[0]).toMatchObject({ replayId, linkedBy: 'replay_id', offsetMs: 5_000 });
  });
});
