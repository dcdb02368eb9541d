import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { benchToken } from './pages.js';
import { sdkIds, type BenchSdk } from './sdks.js';
import type { SiteServer } from './site-server.js';

const require = createRequire(import.meta.url);

/** Folder of the example shop's pages, from the `@reprise/example-shop` workspace package. */
export const shopSite = join(
  dirname(require.resolve('@reprise/example-shop/package.json')),
  'site',
);

/** Mounts the shop's files at `/shop/<sdk id>/` for every SDK. */
export function shopMounts(): Record<string, string> {
  return Object.fromEntries(sdkIds.map((id) => [`/shop/${id}/`, shopSite]));
}

/**
 * Serves the shop at `/shop/<sdk id>/` with `sdk` in place of Reprise's SDK: the pages load
 * the SDK's script instead of `/sdk/reprise.js`, and `config.js` (which the Reprise server
 * writes for its own demo) points the shop's `init` call at `apiHost`.
 */
export function serveShop(site: SiteServer, sdk: BenchSdk, apiHost: string): void {
  const prefix = `/shop/${sdk.id}/`;
  for (const name of readdirSync(shopSite).filter((file) => file.endsWith('.html'))) {
    const html = readFileSync(join(shopSite, name), 'utf8');
    if (!html.includes('<script src="/sdk/reprise.js"></script>')) {
      throw new Error(`${name} of the example shop no longer loads /sdk/reprise.js`);
    }
    site.setFile(
      `${prefix}${name}`,
      html.replace(
        '<script src="/sdk/reprise.js"></script>',
        `<script src="${sdk.scriptPath}"></script>`,
      ),
    );
  }
  const config = { token: benchToken, apiHost };
  site.setFile(`${prefix}config.js`, `window.REPRISE_DEMO = ${JSON.stringify(config)};\n`);
}

async function pause(page: Page, ms: number): Promise<void> {
  await page.waitForTimeout(ms);
}

/** Moves the pointer to the element in 10 steps, as a visitor does, then clicks it. */
async function moveAndClick(page: Page, selector: string): Promise<void> {
  const target = page.locator(selector).first();
  const box = await target.boundingBox();
  if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 10 });
  await target.click();
}

async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await moveAndClick(page, selector);
  await page.locator(selector).pressSequentially(text, { delay: 90 });
}

/**
 * One visit to the shop, about 40 s: filter and sort the catalogue, scroll, open a product,
 * add it to the cart, check out and create an account, then return to the catalogue. Returns
 * early, between two actions, once `deadline` (Unix ms) has passed.
 */
export async function shopVisit(page: Page, deadline: number): Promise<void> {
  const steps: Array<() => Promise<void>> = [
    () => pause(page, 2000),
    () => typeInto(page, '#filter', 'guji'),
    () => pause(page, 1500),
    () => page.locator('#filter').fill(''),
    () => moveAndClick(page, '#sort'),
    async () => void (await page.selectOption('#sort', 'price')),
    () => pause(page, 1500),
    () => page.mouse.wheel(0, 400),
    () => pause(page, 2500),
    () => page.mouse.wheel(0, -400),
    () => moveAndClick(page, '[data-testid=product-ethiopia-guji]'),
    () => page.waitForURL(/product\.html/),
    () => pause(page, 2500),
    () => moveAndClick(page, '[data-testid=add-to-cart]'),
    () => pause(page, 1500),
    () => moveAndClick(page, '[data-testid=close-dialog]'),
    () => pause(page, 1000),
    () => moveAndClick(page, '[data-testid=checkout]'),
    () => page.waitForURL(/signup\.html/),
    () => typeInto(page, '#name', 'Mara Quinn'),
    () => typeInto(page, '#email', 'mara.quinn@example.com'),
    () => typeInto(page, '#password', 'sample-password'),
    () => pause(page, 1000),
    () => moveAndClick(page, '[data-testid=signup-submit]'),
    () => page.waitForURL(/welcome\.html/),
    () => pause(page, 3000),
    () => moveAndClick(page, 'a.button[href="index.html"]'),
    () => page.waitForURL(/index\.html/),
  ];
  for (const step of steps) {
    if (Date.now() >= deadline) return;
    await step();
  }
}
