import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from './config/settings.js';
import { startServer, type RunningServer } from './server.js';
import { recordRequest } from './test-support/record.js';
import { firstBatch } from './test-support/rrweb.js';
import { testCredentials } from './test-support/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'reprise-shutdown-'));
const settings = loadSettings(
  {},
  {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    projectToken: testCredentials.token,
    apiSecret: testCredentials.apiSecret,
    adminEmail: testCredentials.adminEmail,
    adminPassword: testCredentials.adminPassword,
    importSamples: false,
    logLevel: 'silent',
  },
);
const authorization = `Basic ${Buffer.from(`${testCredentials.token}:`).toString('base64')}`;

/** Sends `body` in two halves, calling `between` after the first half has arrived. */
function slowUpload(
  url: string,
  body: Buffer,
  between: () => void,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: {
        Authorization: authorization,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(body.length),
      },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (text += part));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });

    const half = Math.floor(body.length / 2);
    request.write(body.subarray(0, half));
    void (async () => {
      await sleep(200);
      between();
      await sleep(300);
      request.end(body.subarray(half));
    })();
  });
}

describe('server shutdown', () => {
  const started: RunningServer[] = [];
  afterAll(async () => {
    for (const server of started) await server.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('close waits for an upload', async () => {
    const server = await startServer(settings);
    const replayId = randomUUID();
    const events = firstBatch(Date.now());
    const { path, body } = recordRequest({ replayId, seq: 0, events });

    let closing: Promise<void> | undefined;
    let lateRequest: Promise<unknown> | undefined;
    const response = await slowUpload(`${server.url}${path}`, body, () => {
      closing = server.close();
      lateRequest = sleep(50).then(() =>
        fetch(`${server.url}/healthz`).then(
          (late) => late.status,
          (error: Error) => error.name,
        ),
      );
    });
    await closing;

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 1, replay_id: replayId, events: 4 });
    expect(await lateRequest).not.toBe(200);

    const restarted = await startServer(settings);
    started.push(restarted);
    const stored = await fetch(`${restarted.url}/api/replays/${replayId}/events`, {
      headers: { Authorization: `Bearer ${testCredentials.apiSecret}` },
    });
    expect(stored.status).toBe(200);
    expect(JSON.parse(await stored.text())).toEqual(events);
  });
});
