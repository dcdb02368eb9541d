import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

export interface StaticServer {
  origin: string;
  /** Serves `html` at `path` (for example `/form.html`) until it is replaced. */
  setPage(path: string, html: string): void;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 for test pages: HTML set with `setPage`, and files under
 * each mounted folder (`{ '/sdk/': '/abs/path/to/dist' }`). Nothing is cached, so a rebuilt
 * bundle is picked up by the next page load. Paths that leave a mounted folder get 404.
 */
export async function startStaticServer(
  mounts: Record<string, string> = {},
): Promise<StaticServer> {
  const pages = new Map<string, string>();

  async function readMounted(pathname: string): Promise<Buffer | null> {
    for (const [prefix, folder] of Object.entries(mounts)) {
      if (!pathname.startsWith(prefix)) continue;
      const file = normalize(join(folder, decodeURIComponent(pathname.slice(prefix.length))));
      if (!file.startsWith(normalize(folder) + sep)) return null;
      return readFile(file).catch(() => null);
    }
    return null;
  }

  const server: Server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = pages.get(pathname);
    const body = page !== undefined ? Buffer.from(page) : await readMounted(pathname);
    if (body === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const type = page !== undefined ? contentTypes['.html'] : contentTypes[extname(pathname)];
    res.writeHead(200, {
      'Content-Type': type ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setPage: (path, html) => void pages.set(path, html),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
