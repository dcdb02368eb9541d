import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { readJsonObject } from '../store/metadata/json.js';
import { authenticateRecordRequest, findProject } from './auth.js';

/**
 * `GET /settings/`: the project's SDK settings (for example `record_sessions_percent`), so a
 * team can change them in Reprise without deploying their site. The token comes from
 * `Authorization: Basic` or the `token` query parameter.
 */
export function registerSettingsRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/settings/', async (request) => {
    const token = (request.query as Record<string, unknown>).token;
    const project =
      typeof token === 'string' && request.headers.authorization === undefined
        ? await findProject(context, token)
        : await authenticateRecordRequest(context, request);
    return { sdk_config: { config: readJsonObject(project.sdk_config) } };
  });
}
