#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '@reprise/server';
import { serve } from './serve.js';

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('must be an integer from 0 to 65535');
  }
  return parsed;
}

const program = new Command()
  .name('reprise')
  .description('Reprise: self-hosted session replay with product analytics');

program
  .command('serve')
  .description('Start the Reprise server: ingestion, the web app and the API')
  .option('-p, --port <port>', 'TCP port to listen on (env REPRISE_PORT, default 8484)', port)
  .option('-H, --host <address>', 'address to bind to (env REPRISE_HOST, default 127.0.0.1)')
  .option(
    '-d, --data-dir <path>',
    'folder for the database and recordings (env REPRISE_DATA_DIR, default .reprise-data)',
  )
  .action(serve);

program.parseAsync().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(`reprise: ${message}\n`);
  process.exitCode = 1;
});
