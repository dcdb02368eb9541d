import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { apiPlugin } from './api/index.js';
import type { ServerContext } from './context.js';
import { registerDemoConfigRoute } from './http/demo.js';
import { installErrorHandler } from './http/error-handler.js';
import { staticPlugin } from './http/static.js';
import { ingestionPlugin } from './ingest/index.js';

/** Hides invite tokens, which are secrets, from request logs. */
function redactUrl(url: string): string {
  return url.replace(/\/invites?\/[^/?]+/g, (match) => match.replace(/[^/]+$/, '[redacted]'));
}

/** Builds the Fastify app: ingestion, the query API, the web app, and health. */
export async function buildApp(context: ServerContext): Promise<FastifyInstance> {
  const { settings } = context;
  const app = Fastify({
    logger: {
      level: settings.logLevel,
      serializers: {
        req: (request: { method: string; url: string; ip?: string }) => ({
          method: request.method,
          url: redactUrl(request.url),
          remoteAddress: request.ip,
        }),
      },
    },
    trustProxy: settings.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 1024 * 1024,
    forceCloseConnections: false,
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
