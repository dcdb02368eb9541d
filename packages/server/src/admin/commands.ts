import { randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/passwords.js';
import { apiSecretPrefix, generateSecret, hashSecret } from '../auth/secrets.js';
import type { Settings } from '../config/settings.js';
import { RepriseError } from '../errors.js';
import { openMetadataStore, type MetadataStore } from '../store/metadata/index.js';

/** An administrative command that cannot run, with a message for the terminal. */
export class CommandError extends RepriseError {
  override name = 'CommandError';
}

async function withStore<T>(settings: Settings, run: (store: MetadataStore) => Promise<T>) {
  const store = await openMetadataStore(settings);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/**
 * Sets a member's password (a generated one unless `password` is given), ends the member's
 * logins, and returns the generated password or null. For a lost admin password; works while
 * the server runs, on the same data folder or database.
 */
export async function resetPassword(
  settings: Settings,
  email: string,
  password?: string,
): Promise<string | null> {
  return withStore(settings, async (store) => {
    const member = await store.accounts.findMemberByEmail(email);
    if (!member) throw new CommandError(`No member has the email ${email}`);
    const generated = password === undefined ? generateSecret('', 12) : null;
    await store.accounts.setMemberPassword(member.id, await hashPassword(password ?? generated!));
    await store.accounts.deleteMemberSessions(member.id);
    return generated;
  });
}

/** Creates an API secret for a project and returns it; only its hash is stored. */
export async function createApiSecret(
  settings: Settings,
  projectId: string | undefined,
  name: string,
): Promise<{ projectId: string; secret: string }> {
  return withStore(settings, async (store) => {
    const projects = await store.accounts.listProjects();
    const project = projectId ? projects.find((row) => row.id === projectId) : projects[0];
    if (!project) {
      const known = projects.map((row) => row.id).join(', ') || 'none yet: start the server once';
      throw new CommandError(`Project ${projectId ?? ''} not found; projects: ${known}`);
    }
    const secret = generateSecret(apiSecretPrefix, 24);
    await store.accounts.createApiKey({
      id: randomUUID(),
      project_id: project.id,
      name,
      secret_hash: hashSecret(secret),
      created_at: Date.now(),
      last_used_at: null,
    });
    return { projectId: project.id, secret };
  });
}

/** Returns the projects with their public tokens, for a team that lost the printed token. */
export async function listProjectTokens(settings: Settings) {
  return withStore(settings, async (store) => {
    const projects = await store.accounts.listProjects();
    return projects.map((project) => ({
      id: project.id,
      name: project.name,
      token: project.token,
    }));
  });
}
