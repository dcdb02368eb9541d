/**
 * Starts the built Reprise server (`reprise serve`) as its own process on a free loopback port,
 * with a fresh temporary data folder and known credentials.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, closeSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from './report.js';

export interface RepriseProcess {
  url: string;
  pid: number;
  token: string;
  adminEmail: string;
  adminPassword: string;
  dataDir: string;
  /** `Authorization` header value for `/record/`. */
  recordAuthorization: string;
  /** Stops the server with SIGTERM, waits for it to exit and deletes its data folder. */
  stop(): Promise<void>;
}

export const benchCredentials = {
  token: 'rpt_bench_token',
  adminEmail: 'bench@reprise.local',
  adminPassword: 'bench password that is long enough',
};

const cliEntry = join(repositoryRoot, 'packages', 'cli', 'dist', 'main.js');

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not read the port of a probe socket'));
      });
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `The Reprise server exited with code ${child.exitCode} while starting:\n${readFileSync(logFile, 'utf8')}`,
      );
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `The Reprise server at ${url} did not respond to /healthz within 30 s. Its log:\n${readFileSync(logFile, 'utf8')}`,
  );
}

export interface LaunchOptions {
  logLevel: string;
  /** PostgreSQL URL of an empty database. Without it, or when empty, the server uses SQLite. */
  databaseUrl?: string;
  /** Folder for a V8 CPU profile of the server (`node --cpu-prof`), written when it stops. */
  cpuProfileDir?: string;
}

/**
 * Starts `node packages/cli/dist/main.js serve`, so the package must be built (`npm run build`).
 * The server logs at `logLevel` into a file in its own temporary folder, as JSON lines, as it
 * does in production when stdout is not a terminal.
 */
export async function startReprise(options: LaunchOptions): Promise<RepriseProcess> {
  if (!existsSync(cliEntry)) {
    throw new Error(`${cliEntry} is missing: run npm run build first`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'reprise-bench-data-'));
  const logFolder = mkdtempSync(join(tmpdir(), 'reprise-bench-log-'));
  const logFile = join(logFolder, 'server.log');
  const logDescriptor = openSync(logFile, 'w', 0o600);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  const profileArguments = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`]
    : [];
  const child = spawn(
    process.execPath,
    [
      ...profileArguments,
      cliEntry,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
    ],
    {
      cwd: repositoryRoot,
      stdio: ['ignore', logDescriptor, logDescriptor],
      env: {
        ...process.env,
        REPRISE_DATABASE_URL: options.databaseUrl ?? '',
        REPRISE_PROJECT_TOKEN: benchCredentials.token,
        REPRISE_ADMIN_EMAIL: benchCredentials.adminEmail,
        REPRISE_ADMIN_PASSWORD: benchCredentials.adminPassword,
        REPRISE_IMPORT_SAMPLES: 'false',
        REPRISE_LOG_LEVEL: options.logLevel,
      },
    },
  );
  closeSync(logDescriptor);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const removeFolders = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(logFolder, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, logFile);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    removeFolders();
    throw error;
  }

  return {
    url,
    pid: child.pid!,
    ...benchCredentials,
    dataDir,
    recordAuthorization: `Basic ${Buffer.from(`${benchCredentials.token}:`).toString('base64')}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      removeFolders();
    },
  };
}

/** Returns the resident set size of process `pid`, in bytes, from /proc. */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Returns the CPU time that process `pid` used so far (user plus system), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in brackets and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  // NOTE: assumes 100 clock ticks a second (`getconf CLK_TCK`), the value on Linux x86-64 and arm64.
  return ticks / 100;
}
