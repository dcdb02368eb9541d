import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { bootstrapFirstStart, type FirstStartCredentials } from './bootstrap.js';
import type { Settings } from './config/settings.js';
import { ProjectTokenCache, type ServerContext } from './context.js';
import { scheduleRetention } from './jobs/retention.js';
import { DeletionWorker } from './lifecycle/deletion-worker.js';
import { importSamples } from './samples/import.js';
import { FileBlobStore } from './store/blob/index.js';
import { openMetadataStore } from './store/metadata/index.js';

export interface RunningServer {
  app: FastifyInstance;
  context: ServerContext;
  /** Base URL the server listens on, for example `http://127.0.0.1:8484`. */
  url: string;
  /** Set on the first start only; the caller shows it once to the person who started Reprise. */
  firstStart: FirstStartCredentials | null;
  /** Stops accepting requests, waits for requests in flight, then closes the stores. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Replaces the clock, for tests. */
  now?: () => number;
  /** Runs after the stores open and before the server listens, for example to import samples. */
  beforeListen?: (context: ServerContext) => Promise<void>;
}

/** Opens the stores, creates the first project and admin if needed, and starts listening. */
export async function startServer(
  settings: Settings,
  options: StartOptions = {},
): Promise<RunningServer> {
  const now = options.now ?? Date.now;
  const metadata = await openMetadataStore(settings);
  const blobs = new FileBlobStore(join(settings.dataDir, 'blobs'));
  const context: ServerContext = {
    settings,
    metadata,
    blobs,
    projects: new ProjectTokenCache(metadata, now),
    now,
  };

  let app: FastifyInstance | null = null;
  try {
    const firstStart = await bootstrapFirstStart(metadata, settings, now());
    app = await buildApp(context);
    if (settings.importSamples) await importSamples(context, app.log);
    await options.beforeListen?.(context);
    const address = await app.listen({ port: settings.port, host: settings.host });
    const url = address.replace('://[::1]', '://localhost');
    const stopRetention = scheduleRetention(context, app.log);
    const deletionJob = new DeletionWorker(context, app.log);
    context.deletionJob = deletionJob;
    deletionJob.start();
    app.log.info(
      { url, dataDir: settings.dataDir, database: metadata.connection.dialect },
      'Reprise started',
    );

    const running = app;
    return {
      app: running,
      context,
      url,
      firstStart,
      close: async () => {
        await running.close();
        await stopRetention();
        await deletionJob.stop();
        await metadata.close();
        running.log.info('Reprise stopped');
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await metadata.close();
    throw error;
  }
}
