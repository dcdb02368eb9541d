import type { ReplayPage } from '@reprise/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/index.js';
import { findSampleFiles, importSamples } from './import.js';

const now = Date.UTC(2026, 5, 15, 12, 0, 0);

describe('sample import', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ settings: { importSamples: true }, now: () => now });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('finds the shipped samples', () => {
    expect(findSampleFiles().length).toBeGreaterThanOrEqual(3);
  });

  it('imports every sample at start', async () => {
    const page = (await (await server.api('/api/replays')).json()) as ReplayPage;
    expect(page.replays.length).toBe(findSampleFiles().length);
  });

  it('ends the newest sample now', async () => {
    const page = (await (await server.api('/api/replays')).json()) as ReplayPage;
    const latestEnd = Math.max(...page.replays.map((replay) => replay.endedAt));
    expect(latestEnd).toBe(now);
    for (const replay of page.replays) expect(replay.startedAt).toBeLessThan(replay.endedAt);
  });

  it('imports profiles and linked events', async () => {
    const found = (await (await server.api('/api/replays?q=mara')).json()) as ReplayPage;
    expect(found.replays.length).toBe(1);
    expect(found.replays[0]?.userName).toBe('Mara Quinn');
    const events = await server.context.metadata.analytics.listEventsOfReplay(
      'default',
      found.replays[0]!.id,
    );
    expect(events.map((event) => event.name)).toContain('Sign Up Completed');
    for (const event of events) expect(event.time_ms).toBeLessThanOrEqual(now);
  });

  it('links pre-login events to the user', async () => {
    const response = await server.api(`/api/users/${encodeURIComponent('mara.quinn@example.com')}`);
    const user = (await response.json()) as { deviceIds: string[]; eventCount: number };
    expect(user.deviceIds).toHaveLength(1);
    expect(user.eventCount).toBe(11);
  });

  it('skips a project that has replays', async () => {
    expect(await importSamples(server.context, server.app.log)).toBe(0);
  });

  it('serves imported chunks as JSON', async () => {
    const page = (await (await server.api('/api/replays')).json()) as ReplayPage;
    const response = await server.api(`/api/replays/${page.replays[0]!.id}/events`);
    const events = (await response.json()) as Array<{ type: number }>;
    expect(events.filter((event) => event.type === 2).length).toBeGreaterThanOrEqual(1);
  });
});
