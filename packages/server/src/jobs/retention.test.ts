import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ReplaySummary } from '@reprise/protocol';
import { describeEachDatabase, postRecord, useTestServer } from '../test-support/record.js';
import { firstBatch, laterBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';
import { runRetention } from './retention.js';

const dayMs = 24 * 60 * 60 * 1000;
const start = Date.UTC(2030, 0, 15, 12);

function blobFiles(server: TestServer, replayId: string): string[] {
  return readdirSync(join(server.dataDir, 'blobs'), { recursive: true, encoding: 'utf8' }).filter(
    (path) => path.includes(`${replayId}/`),
  );
}

async function upload(server: TestServer, replayId: string, at: number) {
  for (const seq of [0, 1]) {
    const events = seq === 0 ? firstBatch(at) : laterBatch(at + 1_000);
    expect((await postRecord(server, { replayId, seq, events })).status).toBe(200);
  }
}

describeEachDatabase('retention', (database) => {
  let clock = start;
  const server = useTestServer({ database, now: () => clock });

  it('deletes expired replays only', async () => {
    const expiring = randomUUID();
    await upload(server(), expiring, clock);
    const summary = (await (
      await server().api(`/api/replays/${expiring}`)
    ).json()) as ReplaySummary;
    expect(summary.expiresOn).toBe('2030-02-14');

    clock = start + 10 * dayMs;
    const fresh = randomUUID();
    await upload(server(), fresh, clock);
    expect(blobFiles(server(), expiring)).toHaveLength(2);

    clock = Date.parse(`${summary.expiresOn}T23:59:59Z`);
    expect(await runRetention(server().context)).toEqual({ replays: 0, blobs: 0 });

    clock = Date.parse(`${summary.expiresOn}T00:00:00Z`) + dayMs;
    const result = await runRetention(server().context);
    expect(result).toEqual({ replays: 1, blobs: 2 });

    const metadata = server().context.metadata.replays;
    expect(await metadata.getReplay('default', expiring)).toBeUndefined();
    expect(await metadata.listChunks('default', expiring)).toEqual([]);
    expect(blobFiles(server(), expiring)).toEqual([]);
    expect((await server().api(`/api/replays/${expiring}`)).status).toBe(404);
    expect((await server().api(`/api/replays/${expiring}/events`)).status).toBe(404);

    expect(await metadata.listChunks('default', fresh)).toHaveLength(2);
    expect(blobFiles(server(), fresh)).toHaveLength(2);
    const events = await server().api(`/api/replays/${fresh}/events`);
    expect(events.status).toBe(200);
    expect(JSON.parse(await events.text())).toHaveLength(7);
  });

  it('ignores folders that are not days', async () => {
    await server().context.blobs.put('not-a-day/file', Buffer.from('x'));
    clock += 400 * dayMs;
    await runRetention(server().context);
    expect(await server().context.blobs.get('not-a-day/file')).not.toBeNull();
  });
});
