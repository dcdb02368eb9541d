import type { Settings } from './config/settings.js';
import type { DeletionWorker } from './lifecycle/deletion-worker.js';
import type { BlobStore } from './store/blob/index.js';
import type { MetadataStore, ProjectRow } from './store/metadata/index.js';

/** What every route and job of one server process shares. */
export interface ServerContext {
  settings: Settings;
  metadata: MetadataStore;
  blobs: BlobStore;
  projects: ProjectTokenCache;
  /** Current time, Unix milliseconds; tests replace it to move time. */
  now(): number;
  /** Deletion job of this process; set once the server listens. */
  deletionJob?: DeletionWorker;
}

/** How long a token lookup is reused before the database is asked again. */
const tokenCacheMs = 30_000;

/**
 * Project lookups by public token. Every ingestion request needs one, so they are cached
 * briefly, including misses, which keeps a flood of bad tokens off the database.
 */
export class ProjectTokenCache {
  private readonly entries = new Map<string, { project: ProjectRow | null; until: number }>();

  constructor(
    private readonly metadata: MetadataStore,
    private readonly now: () => number,
  ) {}

  async find(token: string): Promise<ProjectRow | null> {
    const cached = this.entries.get(token);
    const now = this.now();
    if (cached && cached.until > now) return cached.project;

    const project = (await this.metadata.accounts.findProjectByToken(token)) ?? null;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(token, { project, until: now + tokenCacheMs });
    return project;
  }

  /** Forgets cached lookups, for example after a project's settings changed. */
  clear(): void {
    this.entries.clear();
  }
}
