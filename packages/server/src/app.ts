import fastifyCookie from '@fastify/cookie';
import { useFriendlyIssueMessages } from '@reprise/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiPlugin } from './api/index.js';
import type { ServerContext } from './context.js';
import { registerDemoConfigRoute } from './http/demo.js';
import {
  installErrorHandler,
  replyToClientError,
  replyToFrameworkError,
} from './http/error-handler.js';
import { staticPlugin } from './http/static.js';
import { ingestionPlugin } from './ingest/index.js';

/** Query parameters of the query API whose values can be personal data: searches and user ids. */
const personalQueryParameters = new Set(['q', 'distinct_id', 'user_id']);

/**
 * Shapes a request URL for the log. Invite tokens are secrets. Ingestion queries carry distinct
 * ids and page URLs, and the query API's user paths and searches carry ids, names and emails,
 * which are personal data and must not outlive a deletion request in the log.
 */
export function redactUrl(url: string): string {
  const withoutIds = url.replace(/\/(invites?|users)\/[^/?]+/g, (match) =>
    match.replace(/[^/]+$/, '[redacted]'),
  );
  const [path = '', query] = withoutIds.split('?', 2);
  if (query === undefined) return path;
  const isIngestion = /^\/(record|track|engage|groups|settings)\/?$/.test(path);
  if (isIngestion) return `${path}?[redacted]`;
  const parameters = query.split('&').map((parameter) => {
    const name = parameter.split('=', 1)[0]!;
    return personalQueryParameters.has(name) ? `${name}=[redacted]` : parameter;
  });
  return `${path}?${parameters.join('&')}`;
}

/** Builds the Fastify app: ingestion, the query API, the web app, and health. */
export async function buildApp(context: ServerContext): Promise<FastifyInstance> {
  useFriendlyIssueMessages(z);
  const { settings } = context;
  const app = Fastify({
    logger: {
      level: settings.logLevel,
      // People read a terminal; log collectors read JSON lines.
      ...(process.stdout.isTTY
        ? {
            transport: {
              target: 'pino-pretty',
              options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
            },
          }
        : {}),
      serializers: {
        req: (request: { method: string; url: string; ip?: string }) => ({
          method: request.method,
          url: redactUrl(request.url),
          remoteAddress: request.ip,
        }),
      },
    },
    trustProxy: settings.trustProxy,
    // mixpanel-browser joins `api_host + '/' + route`, so an `api_host` that ends with a slash
    // sends to `//track/`; without ignoreDuplicateSlashes every such request would get a 404.
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      // A user id in a path has up to 255 UTF-16 code units, at most 765 UTF-8 bytes, so up to
      // 2,295 characters percent-encoded. Longer ids then get the route's 400, not a bare 404.
      maxParamLength: 4096,
    },
    bodyLimit: 1024 * 1024,
    forceCloseConnections: false,
    clientErrorHandler: replyToClientError,
    frameworkErrors: replyToFrameworkError,
    // While closing, Fastify would reply to requests on open connections with its own 503,
    // before any hook adds CORS headers, and a browser SDK drops a batch whose reply it cannot
    // read. Handled as usual, they get `Connection: close` and the client reconnects.
    return503OnClosing: false,
  });

  installErrorHandler(app, settings);
  await app.register(fastifyCookie);

  app.get('/healthz', async (_request, reply) => {
    await context.metadata.accounts.listProjects();
    return reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
  });

  await app.register(async (scope) => ingestionPlugin(scope, context));
  await app.register(async (scope) => apiPlugin(scope, context));
  registerDemoConfigRoute(app, context);
  await app.register(staticPlugin);
  return app;
}
