import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A request that passed through the proxy, body as sent and decompressed. */
export interface ProxiedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Body as text: gunzipped when gzip, and with base64 `data=` fields decoded too. */
  decodedText: string;
  status: number;
}

export interface RecordingProxy {
  origin: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

function decodeBody(body: Buffer): string {
  const isGzip = body.length > 2 && body[0] === 0x1f && body[1] === 0x8b;
  const text = (isGzip ? gunzipSync(body) : body).toString('utf8');
  if (!/(^|&)data=/.test(text)) return text;
  // Analytics requests carry base64 JSON in data=; decode it so searches see the JSON.
  const data = new URLSearchParams(text).get('data') ?? '';
  const decoded =
    data.startsWith('[') || data.startsWith('{')
      ? data
      : Buffer.from(data, 'base64').toString('utf8');
  return `${text}\n${decoded}`;
}

/**
 * Starts a reverse proxy on 127.0.0.1 that forwards every request to `target` and keeps a
 * copy of each request body. Pages loaded through the proxy send their SDK traffic through it
 * too (same origin), so tests see exactly what went over the wire, with no request routing
 * inside the browser.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const targetUrl = new URL(target);

  const server = createServer((incoming, outgoing) => {
    const parts: Buffer[] = [];
    incoming.on('data', (part: Buffer) => parts.push(part));
    incoming.on('end', () => {
      const rawBody = Buffer.concat(parts);
      const upstream = httpRequest(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: targetUrl.host },
        },
        (response) => {
          requests.push({
            method: incoming.method ?? 'GET',
            url: new URL(incoming.url ?? '/', 'http://proxy'),
            headers: incoming.headers,
            rawBody,
            decodedText: rawBody.length > 0 ? decodeBody(rawBody) : '',
            status: response.statusCode ?? 0,
          });
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      upstream.on('error', (error) => {
        outgoing.writeHead(502, { 'Content-Type': 'application/json' });
        outgoing.end(JSON.stringify({ status: 0, error: `proxy: ${error.message}` }));
      });
      upstream.end(rawBody);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
