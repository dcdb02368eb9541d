import { describe, expect, it } from 'vitest';
import type { Invite, Member, Session } from '@reprise/protocol';
import { expectErrorResponse, useTestServer } from '../test-support/record.js';
import type { TestServer } from '../test-support/server.js';

const password = 'a long password';

async function login(server: TestServer, email: string, secret: string): Promise<Response> {
  return server.request('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: secret }),
  });
}

function cookieOf(response: Response): string {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('reprise_'));
  expect(header).toBeDefined();
  return header!.split(';')[0]!;
}

async function loginCookie(server: TestServer, email: string, secret: string): Promise<string> {
  const response = await login(server, email, secret);
  expect(response.status).toBe(200);
  return cookieOf(response);
}

function call(server: TestServer, cookie: string, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { Cookie: cookie };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return server.request(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function inviteToken(invite: Invite): string {
  return invite.url.split('/invite/')[1]!;
}

describe('member routes', () => {
  const server = useTestServer();
  let admin = '';
  const adminCookie = async () => {
    admin ||= await loginCookie(server(), server().adminEmail, server().adminPassword);
    return admin;
  };

  it('admin lists members', async () => {
    const response = await call(server(), await adminCookie(), 'GET', '/api/members');
    expect(response.status).toBe(200);
    const members = (await response.json()) as Member[];
    expect(members.map((member) => member.email)).toContain(server().adminEmail);
  });

  it('adds a member with a password', async () => {
    const input = { email: 'Dev@Example.com', password };
    const response = await call(server(), await adminCookie(), 'POST', '/api/members', input);
    expect(response.status).toBe(201);
    const member = (await response.json()) as Member;
    expect(member.email).toBe('dev@example.com');
    expect(member.role).toBe('member');

    expect((await login(server(), 'dev@example.com', password)).status).toBe(200);
  });

  it('rejects a duplicate email', async () => {
    const input = { email: server().adminEmail, password };
    const response = await call(server(), await adminCookie(), 'POST', '/api/members', input);
    await expectErrorResponse(response, 409, { field: 'email' });
  });

  it.each([
    [{ email: 'not an email', password }, 'email'],
    [{ email: 'short@example.com', password: 'short' }, 'password'],
    [{ email: 'role@example.com', role: 'owner' }, 'role'],
  ])('rejects invalid input %j', async (input, field) => {
    const response = await call(server(), await adminCookie(), 'POST', '/api/members', input);
    await expectErrorResponse(response, 400, { field });
  });

  it('invites a member without password', async () => {
    const input = { email: 'invitee@example.com' };
    const response = await call(server(), await adminCookie(), 'POST', '/api/members', input);
    expect(response.status).toBe(201);
    const invite = (await response.json()) as Invite;
    expect(invite.email).toBe('invitee@example.com');
    expect(invite.url.startsWith(`${server().url}/invite/`)).toBe(true);

    const token = inviteToken(invite);
    const lookup = await server().request(`/api/invites/${token}`);
    expect(lookup.status).toBe(200);
    expect(await lookup.json()).toEqual({ email: 'invitee@example.com' });

    const short = await server().request(`/api/invites/${token}/accept`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: 'short' }),
    });
    await expectErrorResponse(short, 400, { field: 'password' });

    const accepted = await server().request(`/api/invites/${token}/accept`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password }),
    });
    expect(accepted.status).toBe(200);
    const session = (await accepted.json()) as Session;
    expect(session.member.email).toBe('invitee@example.com');
    const cookie = cookieOf(accepted);
    expect((await call(server(), cookie, 'GET', '/api/auth/session')).status).toBe(200);
    expect((await login(server(), 'invitee@example.com', password)).status).toBe(200);

    const again = await server().request(`/api/invites/${token}/accept`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: 'another password' }),
    });
    await expectErrorResponse(again, 404);
    await expectErrorResponse(await server().request(`/api/invites/${token}`), 404);
  });

  it('rejects an unknown invite', async () => {
    await expectErrorResponse(await server().request('/api/invites/unknown-token'), 404);
  });

  it('member gets 403 on member routes', async () => {
    const input = { email: 'plain@example.com', password };
    await call(server(), await adminCookie(), 'POST', '/api/members', input);
    const cookie = await loginCookie(server(), 'plain@example.com', password);

    const list = await call(server(), cookie, 'GET', '/api/members');
    await expectErrorResponse(list, 403, { code: 'forbidden' });
    const add = await call(server(), cookie, 'POST', '/api/members', { email: 'x@example.com' });
    await expectErrorResponse(add, 403);
    const remove = await call(server(), cookie, 'DELETE', '/api/members/anything');
    await expectErrorResponse(remove, 403);
    expect((await call(server(), cookie, 'GET', '/api/replays')).status).toBe(200);
  });

  it('API secret gets 403 on member routes', async () => {
    await expectErrorResponse(await server().api('/api/members'), 403);
  });

  it('admin cannot delete self', async () => {
    const cookie = await adminCookie();
    const session = (await (
      await call(server(), cookie, 'GET', '/api/auth/session')
    ).json()) as Session;
    const response = await call(server(), cookie, 'DELETE', `/api/members/${session.member.id}`);
    await expectErrorResponse(response, 400, { field: 'id' });
  });

  it('deleting a member ends their sessions', async () => {
    const created = await call(server(), await adminCookie(), 'POST', '/api/members', {
      email: 'leaver@example.com',
      password,
    });
    const member = (await created.json()) as Member;
    const cookie = await loginCookie(server(), 'leaver@example.com', password);

    const removed = await call(
      server(),
      await adminCookie(),
      'DELETE',
      `/api/members/${member.id}`,
    );
    expect(removed.status).toBe(204);
    await expectErrorResponse(await call(server(), cookie, 'GET', '/api/auth/session'), 401);
    const again = await call(server(), await adminCookie(), 'DELETE', `/api/members/${member.id}`);
    await expectErrorResponse(again, 404);
  });
});

describe('member routes with publicUrl', () => {
  const server = useTestServer({ settings: { publicUrl: 'https://replays.example.com/' } });

  it('invite URL uses publicUrl', async () => {
    const cookie = await loginCookie(server(), server().adminEmail, server().adminPassword);
    const response = await call(server(), cookie, 'POST', '/api/members', {
      email: 'remote@example.com',
    });
    const invite = (await response.json()) as Invite;
    expect(invite.url).toMatch(/^https:\/\/replays\.example\.com\/invite\/[\w-]+$/);
  });
});
