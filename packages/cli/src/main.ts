#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { createAdminCommands } from './admin.js';
import { describeStartupError } from './errors.js';
import { serve } from './serve.js';

function port(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed > 65535) {
    throw new InvalidArgumentError('must be an integer from 0 to 65535');
  }
  return parsed;
}

const dataDirHelp =
  'folder for the database and recordings (env REPRISE_DATA_DIR, default .reprise-data)';

const program = new Command()
  .name('reprise')
  .description('Reprise: self-hosted session replay with product analytics');

program
  .command('serve')
  .description('Start the Reprise server: ingestion, the web app and the API')
  .option('-p, --port <port>', 'TCP port to listen on (env REPRISE_PORT, default 8484)', port)
  .option('-H, --host <address>', 'address to bind to (env REPRISE_HOST, default 127.0.0.1)')
  .option('-d, --data-dir <path>', dataDirHelp)
  .action(serve);

for (const command of createAdminCommands(dataDirHelp)) program.addCommand(command);

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`reprise: ${describeStartupError(error)}\n`);
  process.exitCode = 1;
});
