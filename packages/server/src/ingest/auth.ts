import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { unauthorized } from '../errors.js';
import type { ProjectRow } from '../store/metadata/index.js';

/**
 * Reads the project token of a `/record/` request from `Authorization: Basic
 * base64("<token>:")`, the form both SDKs send, and returns its project.
 */
export async function authenticateRecordRequest(
  context: ServerContext,
  request: FastifyRequest,
): Promise<ProjectRow> {
  const header = request.headers.authorization;
  if (!header) {
    // Reprise's SDK sends the token in the query, which spares a CORS preflight per upload.
    const { token } = request.query as { token?: unknown };
    if (typeof token === 'string') return findProject(context, token);
    throw unauthorized(
      'Authorization header is missing: send Basic base64("<project token>:") or a token parameter',
    );
  }
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(header.trim());
  if (!match) {
    throw unauthorized('Authorization header must be Basic base64("<project token>:")');
  }
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const token = decoded.split(':')[0] ?? '';
  return findProject(context, token);
}

export async function findProject(context: ServerContext, token: string): Promise<ProjectRow> {
  if (token === '') throw unauthorized('Project token is empty: send the token from Reprise');
  const project = await context.projects.find(token);
  if (!project) {
    throw unauthorized("Unknown project token: copy the token from Reprise's project settings");
  }
  return project;
}
