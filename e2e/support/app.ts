import type { Frame, Page } from 'playwright-core';

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  description: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const reason = lastError ? ` (last error: ${String(lastError)})` : '';
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${reason}`);
}

/** Logs in through the web app's login page and waits for the replay feed. */
export async function logIn(page: Page, origin: string, email: string, password: string) {
  await page.goto(`${origin}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('feed-page').waitFor();
}

/**
 * Opens a replay in the player and returns the frame of the rebuilt page once every chunk is
 * in it. The player may replace the frame until then, when chunks before the position arrive.
 */
export async function openReplay(page: Page, url: string): Promise<Frame> {
  await page.goto(url);
  await page
    .locator('[data-testid=player-container][data-phase=ready][data-complete=true]')
    .waitFor();
  const handle = await page.locator('[data-testid=player-frame] iframe').elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('The player has no replay iframe');
  return frame;
}

/** Returns the player's position, ms from the start of the replay. */
export async function playerPositionMs(page: Page): Promise<number> {
  const value = await page.getByTestId('player-timeline').getAttribute('aria-valuenow');
  return Number(value);
}

/** Pauses the player if it is playing. */
export async function pausePlayer(page: Page): Promise<void> {
  const play = page.getByTestId('player-play');
  if ((await play.getAttribute('data-state')) === 'playing') await play.click();
  await page.locator('[data-testid=player-play][data-state=paused]').waitFor();
}
