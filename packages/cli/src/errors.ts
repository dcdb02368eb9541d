import { CommandError, ConfigError } from '@reprise/server';

/** Formats an error as one line for the terminal, with the fix for known causes. */
export function describeStartupError(error: unknown): string {
  if (error instanceof ConfigError || error instanceof CommandError) return error.message;
  const failure = error as NodeJS.ErrnoException & {
    address?: string;
    port?: number;
    path?: string;
    hostname?: string;
  };
  switch (failure.code) {
    case 'EADDRINUSE':
      return `Port ${failure.port} on ${failure.address} is already in use; start with --port <another port> or set REPRISE_PORT`;
    case 'EACCES':
      if (failure.port !== undefined) {
        return `Not allowed to listen on port ${failure.port}; ports below 1024 need extra rights, so use --port 8484`;
      }
      return `Permission denied on ${failure.path ?? 'a file'}; choose a data folder you can write with --data-dir`;
    case 'EEXIST':
    case 'ENOTDIR':
      return `Cannot create the data folder at ${failure.path}: a file is in the way; choose another with --data-dir`;
    case 'EROFS':
      return `The data folder ${failure.path} is on a read-only file system; choose another with --data-dir`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return `Cannot listen on ${failure.hostname ?? failure.address ?? 'the host'}: no network interface has that address; use --host 127.0.0.1, --host 0.0.0.0 or set REPRISE_HOST`;
    case 'ECONNREFUSED':
      return `Cannot reach the database (${failure.message}); check REPRISE_DATABASE_URL`;
  }
  return String(failure?.stack ?? error);
}
