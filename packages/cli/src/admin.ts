import { Command } from 'commander';
import { createApiSecret, listProjectTokens, loadSettings, resetPassword } from '@reprise/server';

function settingsFor(options: { dataDir?: string }) {
  return loadSettings(process.env, { dataDir: options.dataDir });
}

/**
 * Commands for when a printed credential is lost. They open the same data folder or
 * PostgreSQL database as `reprise serve` (same flags and environment) and print new secrets
 * once, to the terminal only.
 */
export function createAdminCommands(dataDirHelp: string): Command[] {
  const reset = new Command('reset-password')
    .description("Set a member's password to a new generated one and end their logins")
    .argument('<email>', 'email of the member, for example admin@reprise.local')
    .option('-d, --data-dir <path>', dataDirHelp)
    .action(async (email: string, options: { dataDir?: string }) => {
      const password = await resetPassword(settingsFor(options), email);
      process.stdout.write(`New password for ${email}: ${password}\n`);
    });

  const secret = new Command('create-api-secret')
    .description('Create an API secret for reading the API with Authorization: Bearer')
    .option('--project <id>', 'project id (default: the first project)')
    .option('--name <text>', 'what the secret is for', 'Created with reprise create-api-secret')
    .option('-d, --data-dir <path>', dataDirHelp)
    .action(async (options: { project?: string; name: string; dataDir?: string }) => {
      const created = await createApiSecret(settingsFor(options), options.project, options.name);
      process.stdout.write(`API secret for project ${created.projectId}: ${created.secret}\n`);
    });

  const tokens = new Command('tokens')
    .description('Print each project and its public token, which SDKs send')
    .option('-d, --data-dir <path>', dataDirHelp)
    .action(async (options: { dataDir?: string }) => {
      for (const project of await listProjectTokens(settingsFor(options))) {
        process.stdout.write(`${project.id}\t${project.token}\t${project.name}\n`);
      }
    });

  return [reset, secret, tokens];
}
