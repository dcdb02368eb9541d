import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const candidatePaths = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Returns the Chromium executable: `REPRISE_CHROMIUM_PATH` or the first system install found. */
export function findChromium(): string {
  const configured = process.env.REPRISE_CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) {
      throw new Error(`REPRISE_CHROMIUM_PATH is set to ${configured}, but no file is there`);
    }
    return configured;
  }
  const found = candidatePaths.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `Chromium not found at ${candidatePaths.join(', ')}. Install it (apt-get install -y chromium) ` +
        'or set REPRISE_CHROMIUM_PATH to its executable.',
    );
  }
  return found;
}

/**
 * Launches headless Chromium. Playwright gives every launch a new, empty profile folder. Every
 * host but 127.0.0.1 fails to resolve, so tests never reach outside the machine, and
 * Chromium's background services stay off.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}
