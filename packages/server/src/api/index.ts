import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
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
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
  app.get('/api/openapi.json', async () => openApiDocument);
  registerAuthRoutes(app, context);
  registerMemberRoutes(app, context);
  registerReplayRoutes(app, context);
}
