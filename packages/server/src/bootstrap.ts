import { randomUUID } from 'node:crypto';
import { hashPassword } from './auth/passwords.js';
import { apiSecretPrefix, generateSecret, hashSecret, projectTokenPrefix } from './auth/secrets.js';
import type { Settings } from './config/settings.js';
import type { MetadataStore } from './store/metadata/index.js';

/** What the first start created. Secrets appear here once and are stored only as hashes. */
export interface FirstStartCredentials {
  projectId: string;
  projectToken: string;
  adminEmail: string;
  /** Null when the password came from REPRISE_ADMIN_PASSWORD, so it is not printed. */
  generatedAdminPassword: string | null;
  /** Null when the secret came from REPRISE_API_SECRET. */
  generatedApiSecret: string | null;
}

export const defaultAdminEmail = 'admin@reprise.local';

/**
 * On the first start (no project yet), creates the default project, the first admin and an API
 * secret, from settings where given and generated otherwise. Returns null on later starts.
 */
export async function bootstrapFirstStart(
  metadata: MetadataStore,
  settings: Settings,
  now: number,
): Promise<FirstStartCredentials | null> {
  const projects = await metadata.accounts.listProjects();
  if (projects.length > 0) return null;

  const projectId = 'default';
  const projectToken = settings.projectToken ?? generateSecret(projectTokenPrefix, 16);
  await metadata.accounts.createProject({
    id: projectId,
    name: 'Default project',
    token: projectToken,
    retention_days: settings.retentionDays,
    sdk_config: '{}',
    created_at: now,
  });

  const adminEmail = (settings.adminEmail ?? defaultAdminEmail).toLowerCase();
  const generatedAdminPassword = settings.adminPassword ? null : generateSecret('', 12);
  let adminId: string | null = null;
  if ((await metadata.accounts.countMembers()) === 0) {
    adminId = randomUUID();
    await metadata.accounts.createMember({
      id: adminId,
      email: adminEmail,
      password_hash: await hashPassword(settings.adminPassword ?? generatedAdminPassword!),
      role: 'admin',
      created_at: now,
      created_by: null,
    });
  }

  const generatedApiSecret = settings.apiSecret ? null : generateSecret(apiSecretPrefix, 24);
  await metadata.accounts.createApiKey({
    id: randomUUID(),
    project_id: projectId,
    name: 'Created at first start',
    secret_hash: hashSecret(settings.apiSecret ?? generatedApiSecret!),
    created_at: now,
    last_used_at: null,
  });

  return {
    projectId,
    projectToken,
    adminEmail,
    generatedAdminPassword: adminId ? generatedAdminPassword : null,
    generatedApiSecret,
  };
}
