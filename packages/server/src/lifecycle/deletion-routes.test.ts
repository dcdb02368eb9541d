import { beforeAll, expect, it } from 'vitest';
import type { DeletionRequest, DeletionRequestPage } from '@reprise/protocol';
import {
  describeEachDatabase,
  expectErrorResponse,
  useTestServer,
} from '../test-support/record.js';
import type { TestServer } from '../test-support/server.js';
import {
  countRows,
  createProject,
  loginCookie,
  requestDeletion,
  withCookie,
  type TestProject,
} from './test-support/helpers.js';

const memberEmail = 'viewer@example.com';
const memberPassword = 'a long member password';

function withSecret(server: TestServer, secret: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { Authorization: `Bearer ${secret}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return server.request(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describeEachDatabase('deletion routes', (database) => {
  const server = useTestServer({ database });
  let adminCookie = '';
  let memberCookie = '';
  let other: TestProject;

  const listedRequestIds = async () => {
    const response = await server().api('/api/deletion-requests?limit=200');
    expect(response.status).toBe(200);
    const page = (await response.json()) as DeletionRequestPage;
    return page.requests.map((request) => request.id);
  };

  beforeAll(async () => {
    adminCookie = await loginCookie(server());
    const added = await withCookie(server(), adminCookie, 'POST', '/api/members', {
      email: memberEmail,
      password: memberPassword,
      role: 'member',
    });
    expect(added.status).toBe(201);
    memberCookie = await loginCookie(server(), memberEmail, memberPassword);
    other = await createProject(server(), 'other', 30);
  });

  it('rejects 2,001 ids', async () => {
    const ids = Array.from({ length: 2001 }, (_, index) => `user-${index}`);
    const body = await expectErrorResponse(await requestDeletion(server(), ids), 400, {
      field: 'distinctIds',
      limit: 2000,
    });
    expect(body.error).toContain('2000');
  });

  it('accepts 2,000 ids without duplicates', async () => {
    const ids = Array.from({ length: 2000 }, (_, index) => `user-${index % 1500}`);
    const response = await requestDeletion(server(), ids);
    expect(response.status).toBe(202);
    expect(((await response.json()) as DeletionRequest).idCount).toBe(1500);
  });

  it('rejects an id of 256 characters', async () => {
    const response = await requestDeletion(server(), ['ok', 'x'.repeat(256)]);
    await expectErrorResponse(response, 400, { field: 'distinctIds.1', limit: 255 });
  });

  it.each([
    ['an empty list', [], 'distinctIds', 1],
    ['an empty id', [''], 'distinctIds.0', 1],
    ['a number', [42], 'distinctIds.0', undefined],
    ['no list', 'user-1', 'distinctIds', undefined],
  ])('rejects %s', async (_case, ids, field, limit) => {
    const before = await listedRequestIds();
    const response = await requestDeletion(server(), ids);
    const body = await expectErrorResponse(response, 400, { code: 'invalid_input', field });
    expect(body.limit).toBe(limit);
    expect(await listedRequestIds()).toEqual(before);
  });

  it('rejects a missing body', async () => {
    const response = await server().api('/api/deletion-requests', { method: 'POST' });
    await expectErrorResponse(response, 400, { field: 'distinctIds' });
  });

  it('rejects callers without login', async () => {
    const response = await server().request('/api/deletion-requests');
    await expectErrorResponse(response, 401);
  });

  it('rejects members who are not admins', async () => {
    const before = await countRows(server(), 'deletion_requests', ['project_id'], ['default']);
    const post = await withCookie(server(), memberCookie, 'POST', '/api/deletion-requests', {
      distinctIds: ['user-1'],
    });
    await expectErrorResponse(post, 403, { code: 'forbidden' });
    const list = await withCookie(server(), memberCookie, 'GET', '/api/deletion-requests');
    await expectErrorResponse(list, 403);
    expect(await countRows(server(), 'deletion_requests', ['project_id'], ['default'])).toBe(
      before,
    );
  });

  it('records the admin who asked', async () => {
    const response = await withCookie(server(), adminCookie, 'POST', '/api/deletion-requests', {
      distinctIds: ['user-2'],
    });
    expect(response.status).toBe(202);
    const created = (await response.json()) as DeletionRequest;
    expect(created.requestedBy).toBe(server().adminEmail);
    expect(created.requestedByMemberId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.projectId).toBe('default');
    expect(created.distinctIds).toBeUndefined();
  });

  it('lists newest first', async () => {
    const first = (await (await requestDeletion(server(), ['a'])).json()) as DeletionRequest;
    const second = (await (await requestDeletion(server(), ['b'])).json()) as DeletionRequest;
    const page = (await (
      await server().api('/api/deletion-requests')
    ).json()) as DeletionRequestPage;
    const ids = page.requests.map((request) => request.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(page.requests.every((request) => request.distinctIds === undefined)).toBe(true);

    const single = (await (
      await server().api(`/api/deletion-requests/${first.id}`)
    ).json()) as DeletionRequest;
    expect(single.distinctIds).toEqual(['a']);
  });

  it('hides requests from another project’s secret', async () => {
    const mine = (await (await requestDeletion(server(), ['c'])).json()) as DeletionRequest;

    const list = await withSecret(server(), other.apiSecret, '/api/deletion-requests');
    expect(list.status).toBe(200);
    const page = (await list.json()) as DeletionRequestPage;
    expect(page.requests.map((request) => request.id)).not.toContain(mine.id);

    const single = await withSecret(server(), other.apiSecret, `/api/deletion-requests/${mine.id}`);
    await expectErrorResponse(single, 404);
    const named = `/api/deletion-requests/${mine.id}?project=default`;
    await expectErrorResponse(await withSecret(server(), other.apiSecret, named), 403);
    const listed = '/api/deletion-requests?project=default';
    await expectErrorResponse(await withSecret(server(), other.apiSecret, listed), 403);
  });

  it('never creates requests for another project', async () => {
    const before = await countRows(server(), 'deletion_requests', ['project_id'], ['default']);
    const path = '/api/deletion-requests?project=default';
    const response = await withSecret(server(), other.apiSecret, path, { distinctIds: ['d'] });
    await expectErrorResponse(response, 403);
    expect(await countRows(server(), 'deletion_requests', ['project_id'], ['default'])).toBe(
      before,
    );

    const own = await withSecret(server(), other.apiSecret, '/api/deletion-requests', {
      distinctIds: ['d'],
    });
    expect(((await own.json()) as DeletionRequest).projectId).toBe('other');
  });

  it('returns 404 for an unknown request', async () => {
    await expectErrorResponse(await server().api('/api/deletion-requests/nope'), 404);
  });
});
