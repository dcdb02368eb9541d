import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyTable, Database, InviteTable, MemberTable, ProjectTable } from './schema.js';

export type ProjectRow = Selectable<ProjectTable>;
export type MemberRow = Selectable<MemberTable>;
export type InviteRow = Selectable<InviteTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;

/** Projects, members, logins, invites and API keys. */
export class AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createProject(project: ProjectRow): Promise<void> {
    await this.db.insertInto('projects').values(project).execute();
  }

  async listProjects(): Promise<ProjectRow[]> {
    return this.db.selectFrom('projects').selectAll().orderBy('created_at').execute();
  }

  async getProject(id: string): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findProjectByToken(token: string): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('token', '=', token).executeTakeFirst();
  }

  async createMember(member: MemberRow): Promise<void> {
    await this.db.insertInto('members').values(member).execute();
  }

  async countMembers(): Promise<number> {
    const row = await this.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async listMembers(): Promise<MemberRow[]> {
    return this.db.selectFrom('members').selectAll().orderBy('created_at').execute();
  }

  async getMember(id: string): Promise<MemberRow | undefined> {
    return this.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findMemberByEmail(email: string): Promise<MemberRow | undefined> {
    return this.db
      .selectFrom('members')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
  }

  async setMemberPassword(id: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('members')
      .set({ password_hash: passwordHash })
      .where('id', '=', id)
      .execute();
  }

  async deleteMember(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('members').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async createSession(idHash: string, memberId: string, now: number, expiresAt: number) {
    await this.db
      .insertInto('member_sessions')
      .values({ id_hash: idHash, member_id: memberId, created_at: now, expires_at: expiresAt })
      .execute();
  }

  /** Returns the member of a login that has not expired. */
  async findSessionMember(idHash: string, now: number): Promise<MemberRow | undefined> {
    return this.db
      .selectFrom('member_sessions')
      .innerJoin('members', 'members.id', 'member_sessions.member_id')
      .selectAll('members')
      .where('member_sessions.id_hash', '=', idHash)
      .where('member_sessions.expires_at', '>', now)
      .executeTakeFirst();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('member_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteMemberSessions(memberId: string): Promise<void> {
    await this.db.deleteFrom('member_sessions').where('member_id', '=', memberId).execute();
  }

  async deleteExpiredSessions(now: number): Promise<void> {
    await this.db.deleteFrom('member_sessions').where('expires_at', '<=', now).execute();
  }

  async createInvite(invite: InviteRow): Promise<void> {
    await this.db.insertInto('invites').values(invite).execute();
  }

  async findOpenInvite(tokenHash: string, now: number): Promise<InviteRow | undefined> {
    return this.db
      .selectFrom('invites')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  /** Marks an invite used; returns false when another request used it first. */
  async acceptInvite(tokenHash: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('invites')
      .set({ accepted_at: now })
      .where('token_hash', '=', tokenHash)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async createApiKey(key: ApiKeyRow): Promise<void> {
    await this.db.insertInto('api_keys').values(key).execute();
  }

  async findApiKey(secretHash: string): Promise<ApiKeyRow | undefined> {
    return this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('secret_hash', '=', secretHash)
      .executeTakeFirst();
  }
}
