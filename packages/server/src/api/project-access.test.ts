import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReplayPage } from '@reprise/protocol';
import { hashSecret } from '../auth/secrets.js';
import { expectErrorResponse, postRecord, useTestServer } from '../test-support/record.js';
import { firstBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';

const t0 = Date.UTC(2030, 0, 15, 12);
const tokenB = 'rpt_project_b';
const secretB = 'rps_project_b_secret';

function withSecret(server: TestServer, secret: string, path: string) {
  return server.request(path, { headers: { Authorization: `Bearer ${secret}` } });
}

async function loginCookie(server: TestServer): Promise<string> {
  const response = await server.request('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: server.adminEmail, password: server.adminPassword }),
  });
  return response.headers.getSetCookie()[0]!.split(';')[0]!;
}

describe('project access', () => {
  const server = useTestServer({ now: () => t0 });
  const replayA = randomUUID();
  const replayB = randomUUID();

  beforeAll(async () => {
    const accounts = server().context.metadata.accounts;
    await accounts.createProject({
      id: 'project-b',
      name: 'Project B',
      token: tokenB,
      retention_days: 30,
      sdk_config: '{}',
      created_at: t0,
    });
    await accounts.createApiKey({
      id: randomUUID(),
      project_id: 'project-b',
      name: 'test',
      secret_hash: hashSecret(secretB),
      created_at: t0,
      last_used_at: null,
    });

    const eventsA = firstBatch(t0);
    expect(
      (await postRecord(server(), { replayId: replayA, seq: 0, events: eventsA })).status,
    ).toBe(200);
    const authorizationB = `Basic ${Buffer.from(`${tokenB}:`).toString('base64')}`;
    const uploadB = {
      replayId: replayB,
      seq: 0,
      events: firstBatch(t0),
      headers: { Authorization: authorizationB },
    };
    expect((await postRecord(server(), uploadB)).status).toBe(200);
  });

  it('secret of A lists only A', async () => {
    const page = (await (await server().api('/api/replays')).json()) as ReplayPage;
    expect(page.replays.map((replay) => replay.id)).toEqual([replayA]);
  });

  it('secret of B lists only B', async () => {
    const page = (await (await withSecret(server(), secretB, '/api/replays')).json()) as ReplayPage;
    expect(page.replays.map((replay) => replay.id)).toEqual([replayB]);
  });

  it.each([
    ['/api/replays/{B}'],
    ['/api/replays/{B}/chunks'],
    ['/api/replays/{B}/chunks/0'],
    ['/api/replays/{B}/events'],
  ])('secret of A gets 404 for %s', async (template) => {
    const response = await server().api(template.replace('{B}', replayB));
    await expectErrorResponse(response, 404);
  });

  it.each([
    ['/api/replays?project=project-b'],
    ['/api/replays/{B}?project=project-b'],
    ['/api/replays/{B}/chunks?project=project-b'],
    ['/api/replays/{B}/chunks/0?project=project-b'],
    ['/api/replays/{B}/events?project=project-b'],
  ])('secret of A gets 403 for %s', async (template) => {
    const response = await server().api(template.replace('{B}', replayB));
    await expectErrorResponse(response, 403, { code: 'forbidden' });
  });

  it('secret of B gets 403 for A', async () => {
    const response = await withSecret(server(), secretB, '/api/replays?project=default');
    await expectErrorResponse(response, 403);
  });

  it('member reads B with project', async () => {
    const cookie = await loginCookie(server());
    const response = await server().request('/api/replays?project=project-b', {
      headers: { Cookie: cookie },
    });
    const page = (await response.json()) as ReplayPage;
    expect(page.replays.map((replay) => replay.id)).toEqual([replayB]);
  });

  it('member gets 404 for unknown project', async () => {
    const cookie = await loginCookie(server());
    const response = await server().request('/api/replays?project=nope', {
      headers: { Cookie: cookie },
    });
    await expectErrorResponse(response, 404);
  });
});
