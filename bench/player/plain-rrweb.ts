/**
 * A page that plays a whole recording with rrweb's own Replayer, the baseline for Reprise's
 * player: one gzip JSON download of every event, then `new Replayer(events)` and `pause(0)`.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const rrwebDist = dirname(require.resolve('rrweb'));

const page = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>rrweb Replayer</title>
    <link rel="stylesheet" href="/rrweb.css" />
    <script src="/rrweb.js"></script>
  </head>
  <body>
    <div id="mount"></div>
    <script>
      fetch('/recording.json')
        .then((response) => response.json())
        .then((events) => {
          const replayer = new rrweb.Replayer(events, {
            root: document.getElementById('mount'),
            triggerFocus: false,
          });
          window.__benchReplayer = replayer;
          replayer.pause(0);
        });
    </script>
  </body>
</html>
`;

export interface PlainRrwebServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the page, rrweb 2.2.2's browser build and `events` on a free loopback port. The
 * recording goes out gzip-encoded and uncached, as Reprise sends its chunks; rrweb's files are
 * cached for an hour.
 */
export async function startPlainRrwebServer(events: unknown[]): Promise<PlainRrwebServer> {
  const recording = gzipSync(JSON.stringify(events));
  const script = readFileSync(join(rrwebDist, 'rrweb.umd.min.cjs'));
  const style = readFileSync(join(rrwebDist, 'style.css'));
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(page);
    } else if (path === '/rrweb.js') {
      response.writeHead(200, {
        'Content-Type': 'text/javascript',
        'Cache-Control': 'max-age=3600',
      });
      response.end(script);
    } else if (path === '/rrweb.css') {
      response.writeHead(200, { 'Content-Type': 'text/css', 'Cache-Control': 'max-age=3600' });
      response.end(style);
    } else if (path === '/recording.json') {
      response.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Encoding': 'gzip',
        'Cache-Control': 'no-store',
      });
      response.end(recording);
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('Not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('The rrweb page server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
