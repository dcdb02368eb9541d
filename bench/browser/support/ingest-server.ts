import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { posthogDist, posthogRemoteConfig } from './sdks.js';

/** One request as the ingestion server received it. */
export interface IngestRequest {
  method: string;
  url: URL;
  /** Body bytes as sent, compressed or not. */
  bodyBytes: number;
  /** Bytes of the request line and headers, as HTTP/1.1 puts them on the wire. */
  headerBytes: number;
  body: Buffer;
  /** When the whole body had arrived, Unix ms. */
  receivedAt: number;
}

export interface IngestServer {
  origin: string;
  /** Every request, preflights (OPTIONS) included, in arrival order. */
  requests: IngestRequest[];
  /** Forgets the requests received so far. */
  clear(): void;
  close(): Promise<void>;
}

/** Request paths of recording uploads: Reprise and mixpanel-browser, posthog-js, plain rrweb. */
const recordingPaths = ['/record/', '/s/', '/rrweb/'];

/** Returns whether the request uploads recorded rrweb events (not analytics, not a preflight). */
export function isRecordingUpload(request: IngestRequest): boolean {
  return request.method === 'POST' && recordingPaths.includes(request.url.pathname);
}

function headerBytesOf(request: IncomingMessage): number {
  let bytes = Buffer.byteLength(`${request.method} ${request.url} HTTP/1.1\r\n`);
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    bytes += Buffer.byteLength(
      `${request.rawHeaders[index]}: ${request.rawHeaders[index + 1]}\r\n`,
    );
  }
  return bytes + 2;
}

const cacheFor5Minutes = { 'Cache-Control': 'public, max-age=300' };

function setCors(request: IncomingMessage, response: ServerResponse): void {
  const origin = request.headers.origin;
  if (!origin) return;
  response.setHeader('Access-Control-Allow-Origin', origin);
  response.setHeader('Access-Control-Allow-Credentials', 'true');
  response.setHeader('Vary', 'Origin');
}

/**
 * Serves posthog-js's extension scripts (`/static/<version>/<name>.js` and the older
 * `/static/<name>.js`) and its remote configuration for `token`, which turns session recording
 * on. Both may be cached for 5 minutes, as Reprise's server lets browsers cache its SDK.
 * Returns false for other paths.
 */
async function replyForPosthog(url: URL, response: ServerResponse): Promise<boolean> {
  const script = /^\/static\/(?:[\d.]+\/)?([\w-]+\.js)$/.exec(url.pathname);
  if (script) {
    const body = await readFile(join(posthogDist, basename(script[1]!))).catch(() => null);
    if (!body) return false;
    response.writeHead(200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      ...cacheFor5Minutes,
    });
    response.end(body);
    return true;
  }
  const config = /^\/array\/([\w-]+)\/config(\.js)?$/.exec(url.pathname);
  if (!config) return false;
  const [, token, isScript] = config;
  const json = JSON.stringify(posthogRemoteConfig);
  if (isScript) {
    const body =
      'window._POSTHOG_REMOTE_CONFIG = window._POSTHOG_REMOTE_CONFIG || {};\n' +
      `window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(token)}] = { config: ${json}, siteApps: [] };\n`;
    response.writeHead(200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      ...cacheFor5Minutes,
    });
    response.end(body);
  } else {
    response.writeHead(200, { 'Content-Type': 'application/json', ...cacheFor5Minutes }).end(json);
  }
  return true;
}

/**
 * Starts an HTTP server on 127.0.0.1 that replaces the ingestion endpoints of every SDK under
 * test. It keeps the size of each request and replies 200 with a JSON body that each SDK
 * accepts. It also serves what posthog-js fetches from its `api_host` (remote
 * configuration and the recorder script), and an empty `/settings/` for Reprise's SDK.
 */
export async function startIngestServer(): Promise<IngestServer> {
  const requests: IngestRequest[] = [];

  const server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      const body = Buffer.concat(parts);
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      requests.push({
        method: request.method ?? 'GET',
        url,
        bodyBytes: body.length,
        headerBytes: headerBytesOf(request),
        body,
        receivedAt: Date.now(),
      });
      void reply(request, url, response).catch((error: unknown) => {
        console.error(`Ingestion server failed on ${request.method} ${url.pathname}:`, error);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
  });

  async function reply(request: IncomingMessage, url: URL, response: ServerResponse) {
    setCors(request, response);
    if (request.method === 'OPTIONS') {
      response.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      const requested = request.headers['access-control-request-headers'];
      if (requested) response.setHeader('Access-Control-Allow-Headers', requested);
      // As Reprise's server replies. Browsers cache a preflight per URL, so a request whose
      // query string changes each time still gets a preflight each time.
      response.setHeader('Access-Control-Max-Age', '86400');
      response.writeHead(204).end();
      return;
    }
    if (request.method === 'GET' && (await replyForPosthog(url, response))) return;
    if (url.pathname === '/settings/') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"sdk_config":{"config":{}}}');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end('{"status":1,"error":null}');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    clear: () => void requests.splice(0),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
