import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DeletionRequest } from '@reprise/protocol';
import { hashSecret } from '../../auth/secrets.js';
import type { Database } from '../../store/metadata/schema.js';
import { postRecord } from '../../test-support/record.js';
import { firstBatch, laterBatch } from '../../test-support/rrweb.js';
import type { TestServer } from '../../test-support/server.js';

/** A second project with its own token and API secret. */
export interface TestProject {
  id: string;
  token: string;
  apiSecret: string;
  recordAuthorization: string;
}

export async function createProject(
  server: TestServer,
  id: string,
  retentionDays: number,
): Promise<TestProject> {
  const token = `rpt_${id}_token`;
  const apiSecret = `rps_${id}_secret`;
  const accounts = server.context.metadata.accounts;
  await accounts.createProject({
    id,
    name: `Project ${id}`,
    token,
    retention_days: retentionDays,
    sdk_config: '{}',
    created_at: server.context.now(),
  });
  await accounts.createApiKey({
    id: `key-${id}`,
    project_id: id,
    name: 'test',
    secret_hash: hashSecret(apiSecret),
    created_at: server.context.now(),
    last_used_at: null,
  });
  const recordAuthorization = `Basic ${Buffer.from(`${token}:`).toString('base64')}`;
  return { id, token, apiSecret, recordAuthorization };
}

/** Identity query parameters of an upload, as mixpanel-browser sends them. */
export interface UploadIdentity {
  distinctId: string;
  deviceId: string;
  userId?: string;
}

function identityQuery(identity: UploadIdentity): Record<string, string> {
  const query: Record<string, string> = {
    distinct_id: identity.distinctId,
    $device_id: identity.deviceId,
  };
  if (identity.userId !== undefined) query.$user_id = identity.userId;
  return query;
}

/** Uploads two chunks (seq 0 and 1) of a replay and returns the last response. */
export async function uploadReplay(
  server: TestServer,
  replayId: string,
  at: number,
  identity: UploadIdentity,
  authorization = server.recordAuthorization,
): Promise<Response> {
  let response: Response | undefined;
  for (const seq of [0, 1]) {
    const events = seq === 0 ? firstBatch(at) : laterBatch(at + 1_000);
    response = await postRecord(server, {
      replayId,
      seq,
      events,
      query: identityQuery(identity),
      headers: { Authorization: authorization },
    });
    expect(response.status).toBe(200);
  }
  return response!;
}

/** Sends `data` as a form body to `/track/` or `/engage/` with `verbose=1`. */
export async function sendAnalytics(
  server: TestServer,
  path: '/track/' | '/engage/',
  data: unknown,
): Promise<Response> {
  const body = new URLSearchParams({ data: JSON.stringify(data), verbose: '1' });
  return server.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
}

/** Builds one tracked event of the test project. */
export function trackedEvent(name: string, timeMs: number, identity: UploadIdentity) {
  const properties: Record<string, unknown> = {
    token: 'rpt_test_token',
    distinct_id: identity.distinctId,
    $device_id: identity.deviceId,
    time: timeMs / 1000,
    $insert_id: randomUUID(),
  };
  if (identity.userId !== undefined) properties.$user_id = identity.userId;
  return { event: name, properties };
}

/** Logs in and returns the `Cookie` header value. */
export async function loginCookie(
  server: TestServer,
  email = server.adminEmail,
  password = server.adminPassword,
): Promise<string> {
  const response = await server.request('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('reprise_'));
  return cookie!.split(';')[0]!;
}

/** Sends a JSON request with a login cookie. */
export function withCookie(
  server: TestServer,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = { Cookie: cookie };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return server.request(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Sends `POST /api/deletion-requests` with the test project's API secret. */
export function requestDeletion(server: TestServer, distinctIds: unknown): Promise<Response> {
  return server.api('/api/deletion-requests', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ distinctIds }),
  });
}

/** Polls a deletion request until it is `done` or `failed`, or fails after `timeoutMs`. */
export async function waitForDeletion(
  server: TestServer,
  id: string,
  timeoutMs = 20_000,
): Promise<DeletionRequest> {
  const deadline = Date.now() + timeoutMs;
  let last: DeletionRequest | undefined;
  while (Date.now() < deadline) {
    const response = await server.api(`/api/deletion-requests/${id}`);
    last = (await response.json()) as DeletionRequest;
    if (last.status === 'done' || last.status === 'failed') return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Deletion request ${id} still ${last?.status} after ${timeoutMs} ms`);
}

/** Counts rows of a table where any of the columns equals one of the values. */
export async function countRows(
  server: TestServer,
  table: keyof Database,
  columns: string[],
  values: string[],
): Promise<number> {
  const db = server.context.metadata.connection.db;
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where((eb) =>
      eb.or(columns.map((column) => eb(eb.ref(column as never), 'in', values as never))),
    )
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Returns the paths of blob files under `<dataDir>/blobs` that belong to the replay. */
export function blobFilesOf(server: TestServer, replayId: string): string[] {
  const root = join(server.dataDir, 'blobs');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((path) =>
    path.includes(`${replayId}/`),
  );
}
