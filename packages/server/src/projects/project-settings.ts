import type { Kysely } from 'kysely';
import { sdkConfigSchema, type ProjectSettings, type SdkConfig } from '@reprise/protocol';
import type { Database } from '../store/metadata/schema.js';
import type { ProjectRow } from '../store/metadata/index.js';
import { readJsonObject } from '../store/metadata/json.js';

/** Changes to a project's settings; absent fields stay as they are. */
export interface ProjectSettingsChanges {
  retentionDays?: number;
  /** Replaces the whole SDK settings object. */
  sdkConfig?: SdkConfig;
}

/** Builds the API form of a project with its lifecycle and SDK settings. */
export function toProjectSettings(row: ProjectRow): ProjectSettings {
  return {
    id: row.id,
    name: row.name,
    token: row.token,
    retentionDays: row.retention_days,
    sdkConfig: readSdkConfig(row.sdk_config),
  };
}

/**
 * Reads the stored SDK settings, keeping the keys that are still valid, so that a value
 * written by an older version never breaks the settings page.
 */
function readSdkConfig(stored: string): SdkConfig {
  const config: Record<string, unknown> = {};
  const shape = sdkConfigSchema.shape;
  for (const [name, value] of Object.entries(readJsonObject(stored))) {
    const field = shape[name as keyof typeof shape];
    if (field?.safeParse(value).success) config[name] = value;
  }
  return config as SdkConfig;
}

/** Stores the changes; returns false when no project has that id. */
export async function updateProjectSettings(
  db: Kysely<Database>,
  projectId: string,
  changes: ProjectSettingsChanges,
): Promise<boolean> {
  const values: { retention_days?: number; sdk_config?: string } = {};
  if (changes.retentionDays !== undefined) values.retention_days = changes.retentionDays;
  if (changes.sdkConfig !== undefined) values.sdk_config = JSON.stringify(changes.sdkConfig);
  const result = await db
    .updateTable('projects')
    .set(values)
    .where('id', '=', projectId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
