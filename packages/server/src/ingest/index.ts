import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { registerAnalyticsRoutes } from './analytics-routes.js';
import { applyIngestionCors, replyToPreflight } from './cors.js';
import { registerRecordRoute } from './record-route.js';
import { registerSettingsRoute } from './settings-route.js';

const ingestionPaths = ['/record/', '/track/', '/engage/', '/groups/', '/settings/'];

/**
 * The ingestion routes, in their own Fastify scope: every content type is read as raw bytes
 * (SDKs send octet-stream, JSON, form and text bodies, and drop a batch on 415), up to
 * `maxBodyBytes`, and CORS allows credentialed requests from the allowed origins.
 */
export async function ingestionPlugin(app: FastifyInstance, context: ServerContext) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: context.settings.maxBodyBytes },
    (_request, body, done) => done(null, body),
  );

  app.addHook('onRequest', async (request, reply) => {
    applyIngestionCors(context.settings.allowedOrigins, request, reply);
  });
  for (const path of ingestionPaths) app.options(path, replyToPreflight);

  registerRecordRoute(app, context);
  registerAnalyticsRoutes(app, context);
  registerSettingsRoute(app, context);
}
