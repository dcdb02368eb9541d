import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Member, Project } from '@reprise/protocol';
import { hashSecret } from '../auth/secrets.js';
import type { ServerContext } from '../context.js';
import { forbidden, notFound, unauthorized } from '../errors.js';
import type { MemberRow, ProjectRow } from '../store/metadata/index.js';

/** Name of the login cookie; its value is a random session id, stored only as a hash. */
export const sessionCookieName = 'reprise_session';

/** Who is calling the API: a logged-in member, or an API secret of one project. */
export type Principal =
  | { kind: 'member'; member: MemberRow; sessionHash: string }
  | { kind: 'api-key'; projectId: string; keyId: string };

/** Reads the caller from the login cookie or `Authorization: Bearer <API secret>`. */
export async function findPrincipal(
  context: ServerContext,
  request: FastifyRequest,
): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw unauthorized('Authorization header must be Bearer <API secret>');
    const key = await context.metadata.accounts.findApiKey(hashSecret(match[1]!));
    if (!key) throw unauthorized('Unknown API secret: create one in Reprise or check for typos');
    return { kind: 'api-key', projectId: key.project_id, keyId: key.id };
  }

  const cookie = request.cookies[sessionCookieName];
  if (!cookie) return null;
  const sessionHash = hashSecret(cookie);
  const member = await context.metadata.accounts.findSessionMember(sessionHash, context.now());
  return member ? { kind: 'member', member, sessionHash } : null;
}

export async function requirePrincipal(
  context: ServerContext,
  request: FastifyRequest,
): Promise<Principal> {
  const principal = await findPrincipal(context, request);
  if (!principal) throw unauthorized('Log in, or send Authorization: Bearer <API secret>');
  return principal;
}

export async function requireMember(
  context: ServerContext,
  request: FastifyRequest,
): Promise<Extract<Principal, { kind: 'member' }>> {
  const principal = await requirePrincipal(context, request);
  if (principal.kind !== 'member') throw forbidden('This route needs a logged-in member');
  return principal;
}

export async function requireAdmin(context: ServerContext, request: FastifyRequest) {
  const principal = await requireMember(context, request);
  if (principal.member.role !== 'admin') throw forbidden('Only admins can manage the team');
  return principal;
}

/**
 * Returns the project a request reads: `?project=<id>` or, without it, the API secret's
 * project or a member's first project. An API secret sees only its own project.
 */
export async function resolveProject(
  context: ServerContext,
  principal: Principal,
  requested: string | undefined,
): Promise<ProjectRow> {
  if (principal.kind === 'api-key') {
    if (requested !== undefined && requested !== principal.projectId) {
      throw forbidden('This API secret belongs to another project');
    }
    const project = await context.metadata.accounts.getProject(principal.projectId);
    if (!project) throw notFound("The API secret's project no longer exists");
    return project;
  }
  if (requested !== undefined) {
    const project = await context.metadata.accounts.getProject(requested);
    if (!project) throw notFound(`Project ${requested} not found`);
    return project;
  }
  const [first] = await context.metadata.accounts.listProjects();
  if (!first) throw notFound('No project exists yet');
  return first;
}

export function toMember(row: MemberRow): Member {
  return { id: row.id, email: row.email, role: row.role, createdAt: row.created_at };
}

export function toProject(row: ProjectRow): Project {
  return { id: row.id, name: row.name, token: row.token, retentionDays: row.retention_days };
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  sessionId: string,
  maxAgeSeconds: number,
): void {
  reply.setCookie(sessionCookieName, sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  });
}
