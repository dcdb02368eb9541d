import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { settingSpecs } from './settings.js';

const readme = readFileSync(
  fileURLToPath(new URL('../../../../README.md', import.meta.url)),
  'utf8',
);

function documentedDefault(env: string): string | undefined {
  const row = readme.split('\n').find((line) => new RegExp(`^\\|\\s*\`${env}\`\\s*\\|`).test(line));
  return row?.split('|')[2]?.trim();
}

function shownDefault(value: unknown): string {
  if (value === null) return '(empty)';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

describe('README configuration table', () => {
  it.each(settingSpecs.map((spec) => [spec.env, spec.defaultValue] as const))(
    'documents %s with its default',
    (env, defaultValue) => {
      expect(documentedDefault(env)).toBe(shownDefault(defaultValue));
    },
  );
});
