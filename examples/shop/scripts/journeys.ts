import type { Page } from 'playwright-core';

/** A scripted visit to the example shop, recorded as one sample replay. */
export interface Journey {
  /** File name of the sample, without extension. */
  name: string;
  /** User-Agent the visitor's browser reports, so the samples show ordinary browsers. */
  userAgent: string;
  run(page: Page, origin: string): Promise<void>;
}

async function moveAndClick(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).first().boundingBox();
  if (box) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 12 });
  }
  await page.locator(selector).first().click();
}

async function typeSlowly(page: Page, selector: string, text: string): Promise<void> {
  await moveAndClick(page, selector);
  await page.locator(selector).pressSequentially(text, { delay: 60 });
}

/** A visitor who browses, adds a coffee to the cart and creates an account. */
const signedUp: Journey = {
  name: '01-signed-up',
  userAgent:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  async run(page, origin) {
    await page.goto(`${origin}/demo/index.html`);
    await page.waitForTimeout(1200);
    await typeSlowly(page, '#filter', 'guji');
    await page.waitForTimeout(800);
    await moveAndClick(page, '[data-testid=product-ethiopia-guji]');
    await page.waitForLoadState('load');
    await page.waitForTimeout(1500);
    await moveAndClick(page, '[data-testid=add-to-cart]');
    await page.waitForTimeout(1500);
    await moveAndClick(page, '[data-testid=close-dialog]');
    await moveAndClick(page, '[data-testid=checkout]');
    await page.waitForLoadState('load');
    await typeSlowly(page, '#name', 'Mara Quinn');
    await typeSlowly(page, '#email', 'mara.quinn@example.com');
    await typeSlowly(page, '#password', 'sample-password');
    await moveAndClick(page, '[data-testid=signup-submit]');
    await page.waitForURL(/welcome\.html/);
    await page.waitForTimeout(2000);
  },
};

/** A visitor who reaches the sign-up form, fails to fill it in and leaves. */
const droppedOff: Journey = {
  name: '02-dropped-off',
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  async run(page, origin) {
    await page.goto(`${origin}/demo/index.html`);
    await page.waitForTimeout(1500);
    await moveAndClick(page, '[data-testid=product-cold-brew-kit]');
    await page.waitForLoadState('load');
    await page.waitForTimeout(1200);
    await moveAndClick(page, '[data-testid=checkout]');
    await page.waitForLoadState('load');
    await typeSlowly(page, '#name', 'Theo');
    await typeSlowly(page, '#email', 'theo-at-example');
    await moveAndClick(page, '[data-testid=signup-submit]');
    await page.waitForTimeout(1200);
    await moveAndClick(page, '[data-testid=signup-submit]');
    await moveAndClick(page, '[data-testid=signup-submit]');
    await moveAndClick(page, '[data-testid=signup-submit]');
    await page.waitForTimeout(2500);
  },
};

/** A visitor who sorts the catalogue, scrolls and reads two product pages. */
const browsed: Journey = {
  name: '03-browsed',
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0',
  async run(page, origin) {
    await page.goto(`${origin}/demo/index.html`);
    await page.waitForTimeout(1000);
    await moveAndClick(page, '#sort');
    await page.selectOption('#sort', 'price');
    await page.waitForTimeout(1000);
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(3000);
    await page.mouse.wheel(0, -400);
    await moveAndClick(page, '[data-testid=product-house-blend]');
    await page.waitForLoadState('load');
    await page.waitForTimeout(2500);
    await page.goBack();
    await page.waitForLoadState('load');
    await moveAndClick(page, '[data-testid=product-decaf-colombia]');
    await page.waitForLoadState('load');
    await page.waitForTimeout(2500);
  },
};

export const journeys: Journey[] = [signedUp, droppedOff, browsed];
