import {
  describeIssues,
  projectSettingsInputSchema,
  type ProjectSettings,
  type ProjectSettingsInput,
  type SdkConfig,
} from '@reprise/protocol';

/** The SDK settings the form edits, in the order it shows them. */
export const sdkFields = [
  'record_sessions_percent',
  'record_min_ms',
  'record_max_ms',
  'record_idle_timeout_ms',
] as const satisfies ReadonlyArray<keyof SdkConfig>;

export type SdkField = (typeof sdkFields)[number];

/** Text of every field of the settings form; an empty SDK field leaves that setting unset. */
export interface SettingsFormValues {
  retentionDays: string;
  sdk: Record<SdkField, string>;
}

export function formValuesOf(settings: ProjectSettings): SettingsFormValues {
  const sdk = Object.fromEntries(
    sdkFields.map((name) => [name, settings.sdkConfig[name]?.toString() ?? '']),
  ) as Record<SdkField, string>;
  return { retentionDays: String(settings.retentionDays), sdk };
}

/** Returns a number for number text, or the text itself so the check reports it. */
function numberOf(text: string): number | string {
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

/**
 * Builds the PATCH body from the form, checked with the server's own schema, or returns the
 * first problem with the field it is about.
 */
export function toSettingsInput(
  values: SettingsFormValues,
): { input: ProjectSettingsInput; problem: null } | { problem: string; field: string | null } {
  const sdkConfig: Record<string, unknown> = {};
  for (const name of sdkFields) {
    const text = values.sdk[name].trim();
    if (text !== '') sdkConfig[name] = numberOf(text);
  }
  const raw = { retentionDays: numberOf(values.retentionDays.trim()), sdkConfig };
  const result = projectSettingsInputSchema.safeParse(raw);
  if (result.success) return { input: result.data, problem: null };
  const field = result.error.issues[0]?.path.join('.') || null;
  return { problem: describeIssues(result.error, 1), field };
}
