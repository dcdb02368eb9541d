import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface SiteServer {
  origin: string;
  /** Serves `body` at `path` (for example `/pages/grid.html`); the type follows the extension. */
  setFile(path: string, body: string | Buffer): void;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 for benchmark pages: files set with `setFile`, and files
 * under each mounted folder (`{ '/vendor/rrweb/': '/abs/path/rrweb/dist' }`). Responses are
 * never cached, so every page load is a first visit. Paths that leave a mounted folder get 404.
 */
export async function startSiteServer(mounts: Record<string, string> = {}): Promise<SiteServer> {
  const files = new Map<string, Buffer>();

  async function readMounted(pathname: string): Promise<Buffer | null> {
    for (const [prefix, folder] of Object.entries(mounts)) {
      if (!pathname.startsWith(prefix)) continue;
      const file = normalize(join(folder, decodeURIComponent(pathname.slice(prefix.length))));
      if (!file.startsWith(normalize(folder) + sep)) return null;
      return readFile(file).catch(() => null);
    }
    return null;
  }

  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = files.get(pathname);
    void (body ? Promise.resolve(body) : readMounted(pathname)).then((found) => {
      if (!found) {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      response.writeHead(200, {
        'Content-Type': contentTypes[extname(pathname)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      response.end(found);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setFile: (path, body) => void files.set(path, Buffer.from(body)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
