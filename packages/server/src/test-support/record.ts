import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { postgresUnavailableReason } from './postgres.js';
import { startTestServer, type TestDatabase, type TestServer } from './server.js';

const postgresReason = await postgresUnavailableReason();
if (postgresReason) console.warn(`Skipping PostgreSQL server tests: ${postgresReason}`);

/** Runs one suite per metadata database; PostgreSQL's is skipped when it is not reachable. */
export function describeEachDatabase(title: string, suite: (database: TestDatabase) => void) {
  const databases: Array<[TestDatabase, boolean]> = [
    ['sqlite', false],
    ['postgres', postgresReason !== null],
  ];
  for (const [database, skip] of databases) {
    describe.skipIf(skip)(`${title} on ${database}`, () => suite(database));
  }
}

/** Starts one test server for the enclosing suite and returns a getter for it. */
export function useTestServer(
  options: Parameters<typeof startTestServer>[0] = {},
): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(options);
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('The test server has not started');
    return server;
  };
}

export interface RecordUpload {
  replayId: string;
  seq: number | string;
  /** Serialized as JSON, then gzip-compressed unless `format` is `body`. */
  events?: unknown;
  /** Sent as is, in place of `events`. */
  body?: Buffer | string;
  /** `format` query parameter; null leaves it out. Defaults to `gzip`. */
  format?: 'gzip' | 'body' | null;
  /** Content-Type header; null leaves it out. Defaults to `application/octet-stream`. */
  contentType?: string | null;
  /** Further query parameters. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Builds the path and body of a `/record/` upload the way mixpanel-browser sends it. */
export function recordRequest(upload: RecordUpload): { path: string; body: Buffer } {
  const format = upload.format === undefined ? 'gzip' : upload.format;
  const query = new URLSearchParams({
    replay_id: upload.replayId,
    seq: String(upload.seq),
    distinct_id: '$device:device-1',
    $device_id: 'device-1',
    mp_lib: 'web',
    ...upload.query,
  });
  if (format !== null) query.set('format', format);

  let body: Buffer;
  if (upload.body !== undefined) {
    body = Buffer.from(upload.body);
  } else {
    const json = Buffer.from(JSON.stringify(upload.events ?? []));
    body = format === 'gzip' ? gzipSync(json) : json;
  }
  return { path: `/record/?${query}`, body };
}

/** Sends a `/record/` upload with the test project's token. */
export function postRecord(server: TestServer, upload: RecordUpload): Promise<Response> {
  const { path, body } = recordRequest(upload);
  const contentType =
    upload.contentType === undefined ? 'application/octet-stream' : upload.contentType;
  const headers: Record<string, string> = { Authorization: server.recordAuthorization };
  if (contentType !== null) headers['Content-Type'] = contentType;
  return server.request(path, {
    method: 'POST',
    headers: { ...headers, ...upload.headers },
    body: new Uint8Array(body),
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Sends a request with `node:http`, which, unlike fetch, neither adds headers such as
 * Accept-Encoding nor decodes the body, so tests see the bytes the server sent.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers });
    request.on('error', reject);
    request.on('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(parts),
        }),
      );
    });
    request.end(options.body);
  });
}

/**
 * Checks that a response is an error with the JSON body every route sends,
 * `{status: 0, error, code, field?, limit?}`, and returns the body.
 */
export async function expectErrorResponse(
  response: Response,
  status: number,
  expected: { code?: string; field?: string; limit?: number } = {},
): Promise<{ status: 0; error: string; code: string; field?: string; limit?: number }> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as {
    status: 0;
    error: string;
    code: string;
    field?: string;
    limit?: number;
  };
  expect(body.status).toBe(0);
  expect(typeof body.error).toBe('string');
  expect(body.error.length).toBeGreaterThan(0);
  expect(typeof body.code).toBe('string');
  if (expected.code !== undefined) expect(body.code).toBe(expected.code);
  if (expected.field !== undefined) expect(body.field).toBe(expected.field);
  if (expected.limit !== undefined) expect(body.limit).toBe(expected.limit);
  return body;
}
