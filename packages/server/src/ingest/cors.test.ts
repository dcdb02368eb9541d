import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  rawRequest,
  recordRequest,
  useTestServer,
  type RawResponse,
} from '../test-support/record.js';
import { firstBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';

const shop = 'https://shop.example';
const evil = 'https://evil.example';

function corsHeaders(response: RawResponse): string[] {
  return Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));
}

function listed(value: string | string[] | undefined): string[] {
  return String(value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase());
}

function preflight(server: TestServer, path: string, origin: string) {
  return rawRequest(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type',
    },
  });
}

function postRecordFrom(server: TestServer, origin: string, authorization: string) {
  const { path, body } = recordRequest({
    replayId: randomUUID(),
    seq: 0,
    events: firstBatch(Date.now()),
  });
  return rawRequest(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      Origin: origin,
      Authorization: authorization,
      'Content-Type': 'application/octet-stream',
    },
    body,
  });
}

describe('ingestion CORS', () => {
  const server = useTestServer({ settings: { allowedOrigins: [shop] } });

  it.each([['/record/'], ['/track/'], ['/engage/'], ['/groups/'], ['/settings/']])(
    'preflight of %s allows credentials',
    async (path) => {
      const response = await preflight(server(), path, shop);
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(shop);
      expect(response.headers['access-control-allow-credentials']).toBe('true');
      expect(listed(response.headers['access-control-allow-headers'])).toContain('authorization');
      expect(listed(response.headers['access-control-allow-headers'])).not.toContain('*');
      expect(listed(response.headers['access-control-allow-methods'])).toContain('post');
      expect(listed(response.headers['access-control-expose-headers'])).toContain('retry-after');
      expect(listed(response.headers.vary)).toContain('origin');
    },
  );

  it('upload echoes the origin', async () => {
    const response = await postRecordFrom(server(), shop, server().recordAuthorization);
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(shop);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(listed(response.headers['access-control-expose-headers'])).toContain('retry-after');
  });

  it('error reply is readable cross-origin', async () => {
    const response = await postRecordFrom(server(), shop, 'Basic d3Jvbmc6');
    expect(response.status).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe(shop);
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ status: 0 });
  });

  it('rejects a disallowed origin', async () => {
    const response = await postRecordFrom(server(), evil, server().recordAuthorization);
    expect(response.status).toBe(403);
    expect(corsHeaders(response)).toEqual([]);
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({
      status: 0,
      code: 'forbidden',
    });
  });

  it('rejects a disallowed preflight', async () => {
    const response = await preflight(server(), '/record/', evil);
    expect(response.status).toBe(403);
    expect(corsHeaders(response)).toEqual([]);
  });

  it('rejects "null" origin', async () => {
    const response = await postRecordFrom(server(), 'null', server().recordAuthorization);
    expect(response.status).toBe(403);
  });

  it('omits CORS without Origin', async () => {
    const { path, body } = recordRequest({
      replayId: randomUUID(),
      seq: 0,
      events: firstBatch(Date.now()),
    });
    const response = await rawRequest(`${server().url}${path}`, {
      method: 'POST',
      headers: { Authorization: server().recordAuthorization },
      body,
    });
    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toEqual([]);
  });

  it.each([
    ['http://evil.example/page', 403],
    [`${shop}/checkout`, 200],
    [undefined, 200],
  ])('GET beacon with Referer %s gets %d', async (referer, status) => {
    const event = {
      event: 'Beacon',
      properties: { token: server().token, $insert_id: randomUUID() },
    };
    const data = Buffer.from(JSON.stringify(event)).toString('base64');
    const headers: Record<string, string> = referer ? { Referer: referer } : {};
    const response = await rawRequest(`${server().url}/track/?data=${encodeURIComponent(data)}`, {
      headers,
    });
    expect(response.status).toBe(status);
  });
});

describe('ingestion CORS with any origin', () => {
  const server = useTestServer();

  it('echoes any origin, never *', async () => {
    const response = await preflight(server(), '/record/', evil);
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(evil);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
  });
});

describe('API CORS', () => {
  const server = useTestServer();

  it('API reply has no CORS headers', async () => {
    const response = await rawRequest(`${server().url}/api/replays`, {
      headers: { Origin: shop, Authorization: `Bearer ${server().apiSecret}` },
    });
    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toEqual([]);
  });

  it('API preflight has no CORS headers', async () => {
    const response = await rawRequest(`${server().url}/api/replays`, {
      method: 'OPTIONS',
      headers: { Origin: shop, 'Access-Control-Request-Method': 'GET' },
    });
    expect(corsHeaders(response)).toEqual([]);
  });

  it('cross-site login is rejected without CORS', async () => {
    const response = await rawRequest(`${server().url}/api/auth/login`, {
      method: 'POST',
      headers: { Origin: shop, 'Content-Type': 'application/json' },
      body: Buffer.from(
        JSON.stringify({ email: server().adminEmail, password: server().adminPassword }),
      ),
    });
    expect(response.status).toBe(403);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(corsHeaders(response)).toEqual([]);
  });

  it('same-origin login is accepted', async () => {
    const response = await rawRequest(`${server().url}/api/auth/login`, {
      method: 'POST',
      headers: { Origin: server().url, 'Content-Type': 'application/json' },
      body: Buffer.from(
        JSON.stringify({ email: server().adminEmail, password: server().adminPassword }),
      ),
    });
    expect(response.status).toBe(200);
  });

  it('API error has no CORS headers', async () => {
    const response = await rawRequest(`${server().url}/api/replays`, { headers: { Origin: shop } });
    expect(response.status).toBe(401);
    expect(corsHeaders(response)).toEqual([]);
  });
});
