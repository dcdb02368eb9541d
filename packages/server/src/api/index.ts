import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerAnalyticsRoutes } from '../analytics/index.js';
import type { ServerContext } from '../context.js';
import { forbidden } from '../errors.js';
import { registerDeletionRoutes } from '../lifecycle/deletion-routes.js';
import { registerProjectRoutes } from '../projects/project-routes.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerMemberRoutes } from './member-routes.js';
import { openApiDocument } from './openapi.js';
import { registerReplayRoutes } from './replay-routes.js';

/**
 * The query API under `/api/`, for the web app and for scripts with an API secret. It sends no
 * CORS headers at all: with credentialed CORS, any website could read replays through a
 * member's login cookie.
 */
export async function apiPlugin(app: FastifyInstance, context: ServerContext) {
  app.addHook('onRequest', async (request) => rejectCrossSiteWrite(request));
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
  app.get('/api/openapi.json', async () => openApiDocument);
  registerAuthRoutes(app, context);
  registerMemberRoutes(app, context);
  registerReplayRoutes(app, context);
  registerProjectRoutes(app, context);
  registerDeletionRoutes(app, context);
  registerAnalyticsRoutes(app, context);
}

/**
 * Rejects a write whose Origin is another site. The login cookie is SameSite=Lax, which other
 * ports of the same host still count as same-site, and writes that need no JSON body (logout,
 * deletions) would otherwise go through from any page there.
 */
function rejectCrossSiteWrite(request: FastifyRequest): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host !== request.host) {
    throw forbidden(`Requests from ${origin} cannot change data here; use the Reprise web app`);
  }
}
