import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawRequest, recordRequest, useTestServer } from '../test-support/record.js';
import { startTestServer } from '../test-support/server.js';

// Errors that Fastify raises before an ingestion route runs must still reach a browser SDK as
// JSON that CORS lets it read. Otherwise the SDK gets a network error and drops the batch.
const origin = 'https://shop.example';

describe('early ingestion errors', () => {
  const server = useTestServer({ settings: { maxBodyBytes: 1024 } });

  it('body over the limit is readable JSON', async () => {
    const { path } = recordRequest({ replayId: 'r1', seq: 0 });
    const response = await rawRequest(`${server().url}${path}`, {
      method: 'POST',
      headers: {
        Origin: origin,
        Authorization: server().recordAuthorization,
        'Content-Type': 'application/octet-stream',
      },
      body: randomBytes(2048),
    });
    expect(response.status).toBe(413);
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({
      status: 0,
      code: 'payload_too_large',
      limit: 1024,
    });
  });

  it('form over the limit is readable JSON', async () => {
    const data = randomBytes(2048).toString('base64');
    const response = await rawRequest(`${server().url}/track/?verbose=1`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(`data=${data}`),
    });
    expect(response.status).toBe(413);
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ status: 0 });
  });

  it.each([['/flags/'], ['/decide/'], ['/import/'], ['/record/extra']])(
    'unimplemented route %s is JSON 404',
    async (path) => {
      const response = await rawRequest(`${server().url}${path}`, {
        method: 'POST',
        headers: { Origin: origin },
      });
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ status: 0 });
    },
  );
});

/**
 * Sends `first` and, once it is under way, starts closing the server and sends `second` on the
 * same connection. Returns the raw text of both responses.
 */
async function sendWhileClosing(
  port: number,
  first: { head: string; body: string },
  second: string,
  close: () => Promise<void>,
): Promise<{ text: string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  const parts: Buffer[] = [];
  socket.on('data', (part: Buffer) => parts.push(part));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(first.head);
  // The first request is routed once its head arrives; closing starts while it waits for its
  // body, so the connection is busy and stays open.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const closed = close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.write(first.body + second);
  await ended;
  return { text: Buffer.concat(parts).toString('utf8'), closed };
}

describe('ingestion while closing', () => {
  it('answers a request on an open connection', async () => {
    const server = await startTestServer();
    const port = Number(new URL(server.url).port);
    const event = { event: 'Closing', properties: { token: server.token, distinct_id: 'u1' } };
    const body = `data=${Buffer.from(JSON.stringify(event)).toString('base64')}`;
    const head = (length: number) =>
      [
        'POST /track/?verbose=1 HTTP/1.1',
        'Host: 127.0.0.1',
        `Origin: ${origin}`,
        'Content-Type: application/x-www-form-urlencoded',
        `Content-Length: ${length}`,
        '',
        '',
      ].join('\r\n');

    const { text, closed } = await sendWhileClosing(
      port,
      { head: head(body.length), body },
      head(body.length) + body,
      () => server.close(),
    );
    await closed;

    const responses = text.split(/(?=HTTP\/1\.1 )/).filter((part) => part.startsWith('HTTP/1.1'));
    expect(responses).toHaveLength(2);
    const second = responses[1]!;
    expect(second).toMatch(/^HTTP\/1\.1 200/);
    expect(second.toLowerCase()).toContain(`access-control-allow-origin: ${origin}`);
    expect(second.toLowerCase()).toContain('connection: close');
    expect(second).toContain('{"status":1,"error":null}');
  });
});
