import { describe, expect, it } from 'vitest';
import { redactUrl } from '../app.js';
import { expectErrorResponse, rawRequest, useTestServer } from '../test-support/record.js';

describe('HTTP basics', () => {
  const server = useTestServer();

  it('healthz checks the database', async () => {
    const response = await server().request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('unknown API route is JSON 404', async () => {
    await expectErrorResponse(await server().api('/api/nothing-here'), 404, { code: 'not_found' });
  });

  it('unknown ingestion route is JSON 404', async () => {
    const response = await server().request('/track/more', { method: 'POST' });
    await expectErrorResponse(response, 404);
  });

  it('invalid JSON body is a JSON 400', async () => {
    const response = await server().request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"email":',
    });
    await expectErrorResponse(response, 400, { code: 'invalid_json', field: 'body' });
  });

  it('unsupported API body is a JSON 415', async () => {
    const response = await server().request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: '<login/>',
    });
    await expectErrorResponse(response, 415);
  });

  it('web app pages get a strict CSP', async () => {
    const response = await server().request('/replays/some-id');
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'self'");
  });

  it.each(['/', '/replays', '/settings/members', '/invite/abc', '/login'])(
    'page %s gets the app',
    async (path) => {
      const response = await server().request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
    },
  );

  it('missing asset is a JSON 404', async () => {
    await expectErrorResponse(await server().request('/assets/missing-file.js'), 404);
  });

  it('oversized headers get a JSON 431', async () => {
    const response = await rawRequest(`${server().url}/healthz`, {
      headers: { 'X-Padding': 'x'.repeat(20_000) },
    });
    expect(response.status).toBe(431);
    const body = JSON.parse(response.body.toString('utf8')) as { status: number; code: string };
    expect(body.status).toBe(0);
    expect(body.code).toBe('headers_too_large');
  });

  it('malformed percent-encoding gets a JSON 400', async () => {
    const response = await rawRequest(`${server().url}/api/users/secret%ZZ`);
    expect(response.status).toBe(400);
    const text = response.body.toString('utf8');
    const body = JSON.parse(text) as { status: number; code: string };
    expect(body.status).toBe(0);
    expect(body.code).toBe('bad_url');
    expect(text).not.toContain('secret');
  });

  it('oversized URL gets a JSON 431', async () => {
    const response = await rawRequest(`${server().url}/api/users/${'%C3%A9'.repeat(3000)}`);
    expect(response.status).toBe(431);
    const body = JSON.parse(response.body.toString('utf8')) as { error: string };
    expect(body.error).toContain('shorten the URL');
  });

  it('cross-site logout is rejected', async () => {
    const response = await server().request('/api/auth/logout', {
      method: 'POST',
      headers: { Origin: 'http://127.0.0.1:1' },
    });
    await expectErrorResponse(response, 403, { code: 'forbidden' });
  });

  it('long unknown path is cut in the message', async () => {
    const response = await server().api(`/api/replays/x/${'a'.repeat(500)}`);
    const error = await expectErrorResponse(response, 404);
    expect(error.error.length).toBeLessThan(200);
  });

  it('demo folder redirects to its index', async () => {
    const response = await server().request('/demo/', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/demo/index.html');
  });

  it('demo config holds the project token', async () => {
    const response = await server().request('/demo/config.js');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`"token":"${server().token}"`);
  });
});

describe('/settings/', () => {
  const server = useTestServer();

  it('reads the token from the query', async () => {
    const response = await server().request(`/settings/?token=${server().token}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sdk_config: { config: {} } });
  });

  it('reads the token from Authorization', async () => {
    const response = await server().request('/settings/', {
      headers: { Authorization: server().recordAuthorization },
    });
    expect(response.status).toBe(200);
  });

  it('rejects an unknown token', async () => {
    await expectErrorResponse(await server().request('/settings/?token=rpt_unknown'), 401);
  });

  it('rejects a request without token', async () => {
    await expectErrorResponse(await server().request('/settings/'), 401);
  });
});

describe('redactUrl', () => {
  it.each([
    ['/record/?replay_id=r&distinct_id=jane%40example.com', '/record/?[redacted]'],
    ['/track/?data=eyJ9&ip=1', '/track/?[redacted]'],
    ['/api/invites/secret-token/accept', '/api/invites/[redacted]/accept'],
    ['/api/replays?q=ann&limit=25', '/api/replays?q=[redacted]&limit=25'],
    [
      '/api/replays?distinct_id=ann&user_id=ann',
      '/api/replays?distinct_id=[redacted]&user_id=[redacted]',
    ],
    ['/api/users/ann%40example.com/events?limit=5', '/api/users/[redacted]/events?limit=5'],
    ['/api/replays/3f2a/chunks/0', '/api/replays/3f2a/chunks/0'],
  ])('logs %s as %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
