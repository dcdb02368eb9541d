export type { BlobStore } from './types.js';
export { assertValidKey, chunkBlobKey } from './keys.js';
export { FileBlobStore } from './filesystem.js';
