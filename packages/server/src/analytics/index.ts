import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { registerReportRoutes } from './report-routes.js';
import { registerUserRoutes } from './user-routes.js';

/**
 * Registers the analytics query API: users and their profiles, event names, event reports,
 * funnels, the replays behind a point of a report, and the analytics events of a replay.
 */
export function registerAnalyticsRoutes(app: FastifyInstance, context: ServerContext): void {
  registerUserRoutes(app, context);
  registerReportRoutes(app, context);
}
