import type { FastifyInstance } from 'fastify';
import { projectSettingsInputSchema, type ProjectSettings } from '@reprise/protocol';
import { z } from 'zod';
import { parseInput } from '../api/body.js';
import { requireMember, requirePrincipal, resolveProject } from '../api/principal.js';
import type { ServerContext } from '../context.js';
import { forbidden, notFound } from '../errors.js';
import { toProjectSettings, updateProjectSettings } from './project-settings.js';

const projectParams = z.object({ id: z.string().min(1).max(128) });

/**
 * Registers the project settings routes: any member or the project's API secret reads them,
 * and admins change them.
 * A retention change applies to replays whose first chunk arrives after it, because a replay's
 * expiry day is fixed by its first chunk.
 */
export function registerProjectRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/projects/:id', async (request): Promise<ProjectSettings> => {
    const principal = await requirePrincipal(context, request);
    const { id } = parseInput(projectParams, request.params, 'path');
    return toProjectSettings(await resolveProject(context, principal, id));
  });

  app.patch('/api/projects/:id', async (request): Promise<ProjectSettings> => {
    const principal = await requireMember(context, request);
    if (principal.member.role !== 'admin') {
      throw forbidden('Only admins can change project settings');
    }
    const { id } = parseInput(projectParams, request.params, 'path');
    const input = parseInput(projectSettingsInputSchema, request.body, 'project settings');

    const db = context.metadata.connection.db;
    if (!(await updateProjectSettings(db, id, input))) throw notFound(`Project ${id} not found`);
    // Ingestion caches projects by token, so this process clears them to use the new settings
    // at once. NOTE: other processes on the same database use the old settings until their
    // cached entry expires, up to 30 s later.
    context.projects.clear();
    request.log.info(
      { projectId: id, retentionDays: input.retentionDays, sdkConfig: input.sdkConfig },
      'project settings changed',
    );
    return toProjectSettings(await resolveProject(context, principal, id));
  });
}
