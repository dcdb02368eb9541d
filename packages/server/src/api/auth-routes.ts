import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '@reprise/protocol';
import { z } from 'zod';
import {
  hashPassword,
  maxPasswordLength,
  minPasswordLength,
  verifyPassword,
} from '../auth/passwords.js';
import { generateSecret, hashSecret } from '../auth/secrets.js';
import type { ServerContext } from '../context.js';
import { HttpError, notFound, unauthorized } from '../errors.js';
import type { MemberRow } from '../store/metadata/index.js';
import { parseInput } from './body.js';
import { LoginLimiter } from './login-limiter.js';
import {
  findPrincipal,
  requireMember,
  sessionCookieName,
  setSessionCookie,
  toMember,
  toProject,
} from './principal.js';

const dayMs = 24 * 60 * 60 * 1000;

const loginSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(maxPasswordLength),
});

export const newPasswordSchema = z
  .string()
  .min(minPasswordLength, `must be at least ${minPasswordLength} characters`)
  .max(maxPasswordLength, `must be at most ${maxPasswordLength} characters`);

const acceptSchema = z.object({ password: newPasswordSchema });

/** Login, logout, the current session, and accepting an invite. */
export function registerAuthRoutes(app: FastifyInstance, context: ServerContext): void {
  const limiter = new LoginLimiter(context.now);

  app.post('/api/auth/login', async (request, reply) => {
    const { email, password } = parseInput(loginSchema, request.body);
    limiter.check(email, request.ip);

    const member = await context.metadata.accounts.findMemberByEmail(email);
    const valid = member?.password_hash
      ? await verifyPassword(password, member.password_hash)
      : false;
    if (!member || !valid) {
      limiter.fail(email, request.ip);
      // The email is not logged: a mistyped password is often typed into the email field.
      request.log.warn({ memberId: member?.id ?? null }, 'login failed');
      throw unauthorized('Invalid email or password');
    }
    limiter.succeed(email, request.ip);
    return startSession(context, request, reply, member);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const principal = await findPrincipal(context, request);
    if (principal?.kind === 'member') {
      await context.metadata.accounts.deleteSession(principal.sessionHash);
    }
    reply.clearCookie(sessionCookieName, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/auth/session', async (request) => {
    const principal = await requireMember(context, request);
    return sessionOf(context, principal.member);
  });

  app.get('/api/invites/:token', async (request) => {
    const invite = await findInvite(context, (request.params as { token: string }).token);
    return { email: invite.email };
  });

  app.post('/api/invites/:token/accept', async (request, reply) => {
    const token = (request.params as { token: string }).token;
    const { password } = parseInput(acceptSchema, request.body);
    const invite = await findInvite(context, token);
    if (await context.metadata.accounts.findMemberByEmail(invite.email)) {
      throw new HttpError(409, 'conflict', `${invite.email} is already a member; log in instead`);
    }
    if (!(await context.metadata.accounts.acceptInvite(hashSecret(token), context.now()))) {
      throw notFound('This invite was already used');
    }
    const member: MemberRow = {
      id: randomUUID(),
      email: invite.email,
      password_hash: await hashPassword(password),
      role: invite.role,
      created_at: context.now(),
      created_by: invite.created_by,
    };
    await context.metadata.accounts.createMember(member);
    return startSession(context, request, reply, member);
  });
}

async function findInvite(context: ServerContext, token: string) {
  const invite = await context.metadata.accounts.findOpenInvite(hashSecret(token), context.now());
  if (!invite) throw notFound('This invite link is invalid, used or expired; ask for a new one');
  return invite;
}

async function startSession(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  member: MemberRow,
): Promise<Session> {
  const sessionId = generateSecret('', 32);
  const now = context.now();
  const lifetimeMs = context.settings.sessionDays * dayMs;
  await context.metadata.accounts.createSession(
    hashSecret(sessionId),
    member.id,
    now,
    now + lifetimeMs,
  );
  setSessionCookie(request, reply, sessionId, lifetimeMs / 1000);
  return sessionOf(context, member);
}

async function sessionOf(context: ServerContext, member: MemberRow): Promise<Session> {
  const projects = await context.metadata.accounts.listProjects();
  return { member: toMember(member), projects: projects.map(toProject) };
}
