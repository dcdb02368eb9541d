import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  deletionRequestInputSchema,
  maxDeletionRequestIds,
  maxIdentityLength,
  type DeletionRequest,
  type DeletionRequestPage,
} from '@reprise/protocol';
import { z } from 'zod';
import { parseInput } from '../api/body.js';
import { requirePrincipal, resolveProject, type Principal } from '../api/principal.js';
import type { ServerContext } from '../context.js';
import { forbidden, notFound } from '../errors.js';
import { DeletionRequestStore } from './deletion-store.js';
import { toDeletionRequest } from './deletion-view.js';

/**
 * Largest request body, in bytes: the maximum number of ids at the maximum length, each
 * character written as a 6-byte JSON escape, and room for the quotes and commas.
 */
const maxBodyBytes = maxDeletionRequestIds * (maxIdentityLength * 6 + 4) + 1024;

const listSchema = z.object({
  project: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200, 'must be at most 200').default(50),
});

const projectSchema = z.object({ project: z.string().optional() });
const requestParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Registers the deletion request routes: create (the job starts at once), list newest first,
 * and read one. They are for admins and API secrets, and an API secret reads and creates
 * requests of its own project only.
 */
export function registerDeletionRoutes(app: FastifyInstance, context: ServerContext): void {
  const store = new DeletionRequestStore(context.metadata.connection.db);

  app.post('/api/deletion-requests', { bodyLimit: maxBodyBytes }, async (request, reply) => {
    const principal = await requireDeletionRights(context, request);
    const query = parseInput(projectSchema, request.query, 'query');
    const project = await resolveProject(context, principal, query.project);
    const input = parseInput(deletionRequestInputSchema, request.body, 'deletion request');

    const row = await store.create({
      id: randomUUID(),
      projectId: project.id,
      ...requester(principal),
      distinctIds: [...new Set(input.distinctIds)],
      createdAt: context.now(),
    });
    request.log.info(
      { requestId: row.id, projectId: project.id, idCount: row.id_count },
      'deletion request stored',
    );
    context.deletionJob?.wake();
    return reply.code(202).send(toDeletionRequest(row, false));
  });

  app.get('/api/deletion-requests', async (request): Promise<DeletionRequestPage> => {
    const principal = await requireDeletionRights(context, request);
    const input = parseInput(listSchema, request.query, 'query');
    const project = await resolveProject(context, principal, input.project);
    const rows = await store.list(project.id, input.limit);
    return { requests: rows.map((row) => toDeletionRequest(row, false)) };
  });

  app.get('/api/deletion-requests/:id', async (request): Promise<DeletionRequest> => {
    const principal = await requireDeletionRights(context, request);
    const { id } = parseInput(requestParams, request.params, 'path');
    const query = parseInput(projectSchema, request.query, 'query');
    const project = await resolveProject(context, principal, query.project);
    const row = await store.get(project.id, id);
    if (!row) throw notFound(`Deletion request ${id} not found in project ${project.id}`);
    return toDeletionRequest(row, true);
  });
}

async function requireDeletionRights(
  context: ServerContext,
  request: FastifyRequest,
): Promise<Principal> {
  const principal = await requirePrincipal(context, request);
  if (principal.kind === 'member' && principal.member.role !== 'admin') {
    throw forbidden('Only admins and API secrets can request deletions or read them');
  }
  return principal;
}

function requester(principal: Principal) {
  if (principal.kind === 'api-key') {
    return {
      requestedBy: `API secret ${principal.keyId}`,
      requestedByMemberId: null,
      requestedByApiKeyId: principal.keyId,
    };
  }
  return {
    requestedBy: principal.member.email,
    requestedByMemberId: principal.member.id,
    requestedByApiKeyId: null,
  };
}
