import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const require = createRequire(import.meta.url);

/** Folder of a workspace package's file, or null when the package is not installed. */
function packageFolder(name: string, ...path: string[]): string | null {
  try {
    return join(dirname(require.resolve(`${name}/package.json`)), ...path);
  } catch {
    return null;
  }
}

/**
 * Content-Security-Policy of the web app. Scripts only from this server, so a recording can
 * never run script in the player's page; styles, images and fonts from anywhere, because
 * replayed pages load their own assets from their site.
 */
export const appContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src * 'unsafe-inline'",
  'img-src * data: blob:',
  'font-src * data:',
  'media-src * blob:',
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

function setAppHeaders(reply: FastifyReply): void {
  reply.header('Content-Security-Policy', appContentSecurityPolicy);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'same-origin');
}

/**
 * Serves the web app at `/` (any other GET that is not an API or ingestion route gets its
 * index.html), the SDK bundles at `/sdk/`, and the example shop at `/demo/`.
 */
export async function staticPlugin(app: FastifyInstance): Promise<void> {
  const webRoot = packageFolder('@reprise/web', 'dist');
  const sdkRoot = packageFolder('@reprise/sdk', 'dist');
  const demoRoot = packageFolder('@reprise/example-shop', 'site');

  if (sdkRoot && existsSync(sdkRoot)) {
    await app.register(fastifyStatic, {
      root: sdkRoot,
      prefix: '/sdk/',
      decorateReply: false,
      maxAge: '5m',
      setHeaders: (response) => {
        response.header('Access-Control-Allow-Origin', '*');
        response.header('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    });
  }
  if (demoRoot && existsSync(demoRoot)) {
    const toIndex = async (_request: unknown, reply: FastifyReply) =>
      reply.redirect('/demo/index.html');
    // The router ignores trailing slashes, so this also serves `/demo/`.
    app.get('/demo', toIndex);
    await app.register(fastifyStatic, {
      root: demoRoot,
      prefix: '/demo/',
      decorateReply: false,
      index: false,
    });
  }

  const hasWebApp = webRoot !== null && existsSync(join(webRoot, 'index.html'));
  if (hasWebApp) {
    await app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      // Files are looked up per request, so a rebuilt app is served without a restart; a
      // path with no file falls through to the not-found handler below.
      wildcard: true,
      index: false,
      setHeaders: (response, path) => {
        response.header('X-Content-Type-Options', 'nosniff');
        if (path.endsWith('.html')) setAppHeaders(response);
        if (path.includes('/assets/')) {
          response.header('Cache-Control', 'public, max-age=31536000, immutable');
        }
      },
    });
  }

  const sendIndex = (reply: FastifyReply) => {
    setAppHeaders(reply);
    reply.header('Cache-Control', 'no-cache');
    if (!hasWebApp) {
      return reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Reprise</title><p>The web app is not built: run npm run build.</p>',
        );
    }
    return reply.sendFile('index.html', webRoot);
  };
  app.get('/', async (_request, reply) => sendIndex(reply));

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // Ingestion paths are exact (`/settings/` is an ingestion route, `/settings/members` a
    // page); API and file folders are prefixes.
    const isPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !/^\/(record|track|engage|groups|settings)\/?$/.test(path) &&
      !/^\/(api|assets|sdk|demo)(\/|$)/.test(path);
    if (!isPage) {
      return reply.code(404).send({
        status: 0,
        error: `No route for ${request.method} ${path.length > 100 ? `${path.slice(0, 100)}…` : path}`,
        code: 'not_found',
      });
    }
    return sendIndex(reply);
  });
}
