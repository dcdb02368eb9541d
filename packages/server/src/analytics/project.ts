import type { FastifyRequest } from 'fastify';
import { requirePrincipal, resolveProject } from '../api/principal.js';
import type { ServerContext } from '../context.js';
import type { ProjectRow } from '../store/metadata/index.js';

/** Returns the project a request reads (`?project=`), after checking who is calling. */
export async function projectOf(
  context: ServerContext,
  request: FastifyRequest,
): Promise<ProjectRow> {
  const principal = await requirePrincipal(context, request);
  const requested = (request.query as { project?: unknown } | undefined)?.project;
  return resolveProject(context, principal, typeof requested === 'string' ? requested : undefined);
}
