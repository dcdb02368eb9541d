import { describe, expect, it } from 'vitest';
import type { Session } from '@reprise/protocol';
import { expectErrorResponse, useTestServer } from '../test-support/record.js';
import type { TestServer } from '../test-support/server.js';

const minuteMs = 60_000;
let clock = Date.UTC(2030, 0, 15, 12);

function login(server: TestServer, email: string, password: string) {
  return server.request('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

/** Returns `name=value` of the session cookie a response sets. */
function sessionCookie(response: Response): string {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('reprise_'));
  expect(header).toBeDefined();
  return header!.split(';')[0]!;
}

function withCookie(server: TestServer, path: string, cookie: string, init: RequestInit = {}) {
  return server.request(path, { ...init, headers: { Cookie: cookie } });
}

describe('API authentication', () => {
  const server = useTestServer({ now: () => clock });

  it('rejects a request without credentials', async () => {
    await expectErrorResponse(await server().request('/api/replays'), 401, {
      code: 'unauthorized',
    });
  });

  it('checks credentials before input', async () => {
    const paths = [
      '/api/replays?q=%00&limit=0',
      '/api/replays/x/chunks/not-a-number',
      `/api/replays/${'x'.repeat(65)}`,
      '/api/users?q=%00',
      `/api/users/${'x'.repeat(300)}/events?limit=0`,
      `/api/users/${'x'.repeat(300)}/replays?limit=0`,
      `/api/replays/${'x'.repeat(65)}/analytics-events`,
    ];
    for (const path of paths) {
      const response = await server().request(path);
      expect(response.status, path).toBe(401);
    }
  });

  it('accepts the API secret', async () => {
    expect((await server().api('/api/replays')).status).toBe(200);
  });

  it('rejects an unknown API secret', async () => {
    const response = await server().request('/api/replays', {
      headers: { Authorization: 'Bearer rps_unknown' },
    });
    await expectErrorResponse(response, 401);
  });

  it('rejects a non-Bearer Authorization', async () => {
    const response = await server().request('/api/replays', {
      headers: { Authorization: server().recordAuthorization },
    });
    await expectErrorResponse(response, 401);
  });

  it('API secret has no session', async () => {
    await expectErrorResponse(await server().api('/api/auth/session'), 403);
  });

  it('login sets a safe cookie', async () => {
    const response = await login(server(), server().adminEmail, server().adminPassword);
    expect(response.status).toBe(200);
    const session = (await response.json()) as Session;
    expect(session.member.email).toBe(server().adminEmail);
    expect(session.member.role).toBe('admin');
    expect(session.projects.map((project) => project.id)).toEqual(['default']);

    const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('reprise_'));
    const attributes = header!.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes).not.toContain('secure');
  });

  it('session works with the cookie', async () => {
    const cookie = sessionCookie(
      await login(server(), server().adminEmail, server().adminPassword),
    );
    const response = await withCookie(server(), '/api/auth/session', cookie);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Session).member.email).toBe(server().adminEmail);
    expect((await withCookie(server(), '/api/replays', cookie)).status).toBe(200);
  });

  it('login ignores email case', async () => {
    const email = server().adminEmail.toUpperCase();
    expect((await login(server(), email, server().adminPassword)).status).toBe(200);
  });

  it('rejects a wrong password', async () => {
    const response = await login(server(), server().adminEmail, 'wrong password!');
    await expectErrorResponse(response, 401);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('rejects an unknown email', async () => {
    await expectErrorResponse(await login(server(), 'nobody@example.com', 'whatever12'), 401);
  });

  it('rejects a login without password', async () => {
    const response = await server().request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: server().adminEmail }),
    });
    await expectErrorResponse(response, 400, { field: 'password' });
  });

  it('rejects an unknown cookie', async () => {
    const response = await withCookie(server(), '/api/auth/session', 'reprise_session=forged');
    await expectErrorResponse(response, 401);
  });

  it('logout invalidates the cookie', async () => {
    const cookie = sessionCookie(
      await login(server(), server().adminEmail, server().adminPassword),
    );
    const logout = await withCookie(server(), '/api/auth/logout', cookie, { method: 'POST' });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().join()).toMatch(/reprise_session=;/);

    await expectErrorResponse(await withCookie(server(), '/api/auth/session', cookie), 401);
  });

  it('session expires after sessionDays', async () => {
    const cookie = sessionCookie(
      await login(server(), server().adminEmail, server().adminPassword),
    );
    clock += 14 * 24 * 60 * minuteMs + 1;
    await expectErrorResponse(await withCookie(server(), '/api/auth/session', cookie), 401);
  });
});

describe('login rate limit', () => {
  const server = useTestServer({ now: () => clock });

  it('11th failed login gets 429', async () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const response = await login(server(), server().adminEmail, `wrong ${attempt}`);
      expect(response.status, `attempt ${attempt}`).toBe(401);
    }

    const limited = await login(server(), server().adminEmail, 'wrong 11');
    await expectErrorResponse(limited, 429, { code: 'too_many_attempts' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('limit holds for the right password', async () => {
    const response = await login(server(), server().adminEmail, server().adminPassword);
    await expectErrorResponse(response, 429);
  });

  it('limit ends after 15 minutes', async () => {
    clock += 15 * minuteMs;
    const response = await login(server(), server().adminEmail, server().adminPassword);
    expect(response.status).toBe(200);
  });

  it('limit is per email', async () => {
    for (let attempt = 1; attempt <= 11; attempt += 1) {
      await login(server(), 'someone@example.com', `wrong ${attempt}`);
    }
    const response = await login(server(), server().adminEmail, server().adminPassword);
    expect(response.status).toBe(200);
  });
});
