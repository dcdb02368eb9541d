import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request as the capture server received it, with the body decompressed when gzip. */
export interface CapturedRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  /** Body bytes as sent. */
  rawBody: Buffer;
  /** Body as text, gunzipped first when it starts with the gzip magic bytes. */
  text: string;
  receivedAt: number;
}

export type CaptureHandler = (
  request: CapturedRequest,
  response: ServerResponse,
) => boolean | void | Promise<boolean | void>;

export interface CaptureServer {
  origin: string;
  /** Requests other than CORS preflights, in arrival order. */
  requests: CapturedRequest[];
  /** CORS preflights (`OPTIONS`), which the server replies to itself with 204. */
  preflights: CapturedRequest[];
  /** Runs before the default reply; returning true means the handler replied itself. */
  setHandler(handler: CaptureHandler | null): void;
  close(): Promise<void>;
}

function decodeBody(body: Buffer): string {
  const isGzip = body.length > 2 && body[0] === 0x1f && body[1] === 0x8b;
  return (isGzip ? gunzipSync(body) : body).toString('utf8');
}

/**
 * Starts an HTTP server on 127.0.0.1 that records every request and replies 200 with a JSON
 * body, answering CORS preflights as a real ingestion server would. Tests use it to see
 * exactly what an SDK sends, without Playwright's request routing in between.
 */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const preflights: CapturedRequest[] = [];
  let handler: CaptureHandler | null = null;

  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', async () => {
      const rawBody = Buffer.concat(parts);
      const captured: CapturedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        rawBody,
        text: decodeBody(rawBody),
        receivedAt: Date.now(),
      };
      const origin = req.headers.origin;
      if (origin) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
      }
      if (captured.method === 'OPTIONS') {
        preflights.push(captured);
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.writeHead(204).end();
        return;
      }
      requests.push(captured);
      if (handler && (await handler(captured, res))) return;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":1,"error":null}');
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    preflights,
    setHandler(next) {
      handler = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
