const keyPattern = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Raises on keys that could leave the store's folder or that no writer of Reprise produces. */
export function assertValidKey(key: string): void {
  if (!keyPattern.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`Invalid blob key "${key}": use letters, digits, ".", "_", "-" and "/"`);
  }
}

/**
 * Key of one upload of a chunk. The upload id keeps two uploads of the same `seq` from
 * writing one file at once: the metadata row names the blob that won, and the replaced one is
 * deleted after the row commits.
 */
export function chunkBlobKey(parts: {
  expiresOn: string;
  projectId: string;
  replayId: string;
  seq: number;
  uploadId: string;
}): string {
  const seq = String(parts.seq).padStart(10, '0');
  return `${parts.expiresOn}/${parts.projectId}/${parts.replayId}/${seq}-${parts.uploadId}`;
}
