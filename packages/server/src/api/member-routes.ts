import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Invite } from '@reprise/protocol';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords.js';
import { generateSecret, hashSecret } from '../auth/secrets.js';
import type { ServerContext } from '../context.js';
import { badRequest, HttpError, notFound } from '../errors.js';
import { newPasswordSchema } from './auth-routes.js';
import { parseInput } from './body.js';
import { requireAdmin, toMember } from './principal.js';

/** How long an invite link stays valid. */
const inviteLifetimeMs = 7 * 24 * 60 * 60 * 1000;

const newMemberSchema = z.object({
  email: z
    .email({ message: 'must be an email address' })
    .max(320)
    .transform((e) => e.toLowerCase()),
  role: z.enum(['admin', 'member']).default('member'),
  password: newPasswordSchema.optional(),
});

/** Team management, for admins: list, add (with a password or an invite link), remove. */
export function registerMemberRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/members', async (request) => {
    await requireAdmin(context, request);
    const members = await context.metadata.accounts.listMembers();
    return members.map(toMember);
  });

  app.post('/api/members', async (request, reply) => {
    const admin = await requireAdmin(context, request);
    const input = parseInput(newMemberSchema, request.body);
    if (await context.metadata.accounts.findMemberByEmail(input.email)) {
      throw new HttpError(409, 'conflict', `${input.email} is already a member`, {
        field: 'email',
      });
    }
    const now = context.now();

    if (input.password !== undefined) {
      const member = {
        id: randomUUID(),
        email: input.email,
        password_hash: await hashPassword(input.password),
        role: input.role,
        created_at: now,
        created_by: admin.member.id,
      };
      await context.metadata.accounts.createMember(member);
      return reply.code(201).send(toMember(member));
    }

    const token = generateSecret('', 24);
    const expiresAt = now + inviteLifetimeMs;
    await context.metadata.accounts.createInvite({
      token_hash: hashSecret(token),
      email: input.email,
      role: input.role,
      created_by: admin.member.id,
      created_at: now,
      expires_at: expiresAt,
      accepted_at: null,
    });
    const invite: Invite = {
      url: `${publicOrigin(context, request.protocol, request.host)}/invite/${token}`,
      email: input.email,
      expiresAt,
    };
    return reply.code(201).send(invite);
  });

  app.delete('/api/members/:id', async (request, reply) => {
    const admin = await requireAdmin(context, request);
    const id = (request.params as { id: string }).id;
    if (id === admin.member.id) {
      throw badRequest('invalid_input', 'You cannot remove yourself; ask another admin', {
        field: 'id',
      });
    }
    await context.metadata.accounts.deleteMemberSessions(id);
    if (!(await context.metadata.accounts.deleteMember(id)))
      throw notFound(`Member ${id} not found`);
    return reply.code(204).send();
  });
}

function publicOrigin(context: ServerContext, protocol: string, host: string): string {
  return (context.settings.publicUrl ?? `${protocol}://${host}`).replace(/\/+$/, '');
}
