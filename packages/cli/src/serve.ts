import { loadSettings, startServer, type FirstStartCredentials } from '@reprise/server';

interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
}

/** Starts the server, prints where to go and what the first start generated, and stops on a signal. */
export async function serve(options: ServeOptions): Promise<void> {
  const settings = loadSettings(process.env, {
    port: options.port,
    host: options.host,
    dataDir: options.dataDir,
  });
  const server = await startServer(settings);
  // Written to the terminal, not the log: generated secrets are shown once and never logged.
  process.stdout.write(banner(server.url, server.firstStart));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'stopping; waiting for requests in flight');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`reprise: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function banner(url: string, firstStart: FirstStartCredentials | null): string {
  const lines = [
    '',
    `  Reprise is running at ${url}`,
    `  Example site, recorded as you click:  ${url}/demo/`,
    '',
  ];
  if (firstStart) {
    lines.push(
      '  First start: these were created. Secrets are shown only now; keep them.',
      `    Admin email:     ${firstStart.adminEmail}`,
      firstStart.generatedAdminPassword
        ? `    Admin password:  ${firstStart.generatedAdminPassword}`
        : '    Admin password:  (from REPRISE_ADMIN_PASSWORD)',
      `    Project token:   ${firstStart.projectToken}   (public; SDKs send it)`,
      firstStart.generatedApiSecret
        ? `    API secret:      ${firstStart.generatedApiSecret}   (Authorization: Bearer …)`
        : '    API secret:      (from REPRISE_API_SECRET)',
      '  Lost one later? From the repository: npm run reprise -- reset-password <email>,',
      '  or npm run reprise -- create-api-secret.',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
