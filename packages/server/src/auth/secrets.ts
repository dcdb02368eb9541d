import { createHash, randomBytes } from 'node:crypto';

/** Returns a random URL-safe secret with a readable prefix, for example `rps_…`. */
export function generateSecret(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** SHA-256 of a high-entropy secret, hex. Stored in place of session ids and API secrets. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Prefix of API secrets, so a leaked one is easy to recognise in logs and scanners. */
export const apiSecretPrefix = 'rps_';
/** Prefix of project tokens. */
export const projectTokenPrefix = 'rpt_';
