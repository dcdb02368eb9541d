import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startReplay, type TestReplay } from '@reprise/e2e/support';
import {
  inputEventsOf,
  recordPage,
  recordedIdOf,
  type RecordedPage,
  type SdkTestBed,
  startTestBed,
} from './helpers.js';

// Form cases that session replay tools have got wrong, each recorded in Chromium, checked in
// every request body, and where the case is about the replay, rebuilt with rrweb's Replayer.

const textUnmasked = { record_mask_all_text: false };
const allUnmasked = { record_mask_all_text: false, record_mask_all_inputs: false };

/** Opens a blank page of the test site and rebuilds the recording in it. */
async function replay(bed: SdkTestBed, recorded: RecordedPage): Promise<[Page, TestReplay]> {
  bed.site.setPage('/replay.html', '<!doctype html><html><head></head><body></body></html>');
  const page = await bed.browser.newPage();
  await page.goto(`${bed.site.origin}/replay.html`);
  return [page, await startReplay(page, recorded.events)];
}

describe('privacy cases', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  describe('textarea', () => {
    const body = '<textarea id="note" cols="60">canary-note-initial</textarea>';
    const typeNote = async (page: Page) => {
      await page.click('#note');
      await page.keyboard.press('End');
      await page.keyboard.type(' canary-note-typed');
    };

    it('input masking hides initial and typed text', async () => {
      const recorded = await recordPage(bed, '/textarea.html', textUnmasked, body, typeNote);
      const inputs = inputEventsOf(recorded.events, recordedIdOf(recorded.events, 'note'));

      expect(recorded.bodies).not.toContain('canary-note-initial');
      expect(recorded.bodies).not.toContain('canary-note-typed');
      expect(inputs.at(-1)?.text).toBe('*'.repeat('canary-note-initial canary-note-typed'.length));
    });

    it('unmasked replay shows the text once', async () => {
      const recorded = await recordPage(bed, '/textarea-open.html', allUnmasked, body, typeNote);
      const [page, player] = await replay(bed, recorded);
      const valueOf = (document: Document) =>
        (document.getElementById('note') as HTMLTextAreaElement).value;

      const atStart = await player.read(valueOf);
      await player.seekToEnd();
      const atEnd = await player.read(valueOf);
      await player.seek(0);
      await player.seekToEnd();
      const afterSeekingBack = await player.read(valueOf);
      await page.close();

      // NOTE: rrweb 2.2.2's Replayer keeps the typed value when seeking back to before the
      // typing, so the start is checked only before any seek.
      expect(atStart).toBe('canary-note-initial');
      expect(atEnd).toBe('canary-note-initial canary-note-typed');
      expect(afterSeekingBack).toBe('canary-note-initial canary-note-typed');
    });
  });

  describe('select', () => {
    const body = `
<select id="size">
  <option value="canary-size-s">canary-size-small</option>
  <option value="canary-size-l" selected>canary-size-large</option>
</select>
<select id="plain">
  <option>canary-plain-first choice</option>
  <option selected>canary-plain-second choice</option>
</select>`;
    const pick = async (page: Page) => {
      await page.selectOption('#size', 'canary-size-s');
      await page.selectOption('#plain', 'canary-plain-first choice');
    };

    it.each([
      ['default masking', {}],
      ['text unmasked', textUnmasked],
    ])('%s sends no option text or value', async (_name, config) => {
      const recorded = await recordPage(bed, '/select.html', config, body, pick);
      expect(recorded.uploads.length).toBeGreaterThan(1);
      for (const canary of ['canary-size', 'canary-plain']) {
        expect(recorded.bodies).not.toContain(canary);
      }
    });

    it('replay shows a masked choice', async () => {
      const recorded = await recordPage(bed, '/select-replay.html', textUnmasked, body, pick);
      const [page, player] = await replay(bed, recorded);
      const shown = (document: Document) =>
        ['size', 'plain'].map((id) => {
          const select = document.getElementById(id) as HTMLSelectElement;
          return { index: select.selectedIndex, text: select.selectedOptions[0]?.text ?? '' };
        });

      const atStart = await player.read(shown);
      await player.seekToEnd();
      const atEnd = await player.read(shown);
      await page.close();

      for (const choice of [...atStart, ...atEnd]) {
        expect(choice.index).toBeGreaterThanOrEqual(0);
        expect(choice.text).toMatch(/^[* ]+$/);
      }
    });
  });

  describe('password toggle', () => {
    const body = `
<input id="pw-field" type="password">
<button id="show" type="button" onclick="
  const field = document.getElementById('pw-field');
  field.type = field.type === 'password' ? 'text' : 'password';
">show</button>`;

    it('unmask selector never reveals it', async () => {
      const config = { ...textUnmasked, record_unmask_input_selector: '#pw-field' };
      const recorded = await recordPage(bed, '/password.html', config, body, async (page) => {
        await page.type('#pw-field', 'canary-pw-hidden');
        await page.click('#show');
        await page.type('#pw-field', 'canary-pw-shown');
        await page.click('#show');
        await page.type('#pw-field', 'canary-pw-again');
      });
      const inputs = inputEventsOf(recorded.events, recordedIdOf(recorded.events, 'pw-field'));

      expect(recorded.bodies).not.toContain('canary-pw');
      expect(inputs.at(-1)?.text).toMatch(/^\*{46}$/);
    });
  });

  describe('values set by script', () => {
    const body = `
<input id="by-property">
<input id="by-attribute" value="first">
<input id="by-default-value">
<textarea id="area-by-property"></textarea>
<select id="select-by-value"><option value="canary-option-a">a</option>
  <option value="canary-option-b">b</option></select>`;
    const setByScript = (page: Page) =>
      page.evaluate(() => {
        const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
        byId<HTMLInputElement>('by-property').value = 'canary-script-property';
        byId('by-attribute').setAttribute('value', 'canary-script-attribute');
        byId<HTMLInputElement>('by-default-value').defaultValue = 'canary-script-default';
        byId<HTMLTextAreaElement>('area-by-property').value = 'canary-script-area';
        byId<HTMLSelectElement>('select-by-value').value = 'canary-option-b';
      });

    it('no script-set value is sent', async () => {
      const recorded = await recordPage(bed, '/scripted.html', textUnmasked, body, setByScript);
      const propertyInputs = inputEventsOf(
        recorded.events,
        recordedIdOf(recorded.events, 'by-property'),
      );

      expect(recorded.bodies).not.toContain('canary-');
      expect(propertyInputs.at(-1)?.text).toBe('*'.repeat('canary-script-property'.length));
    });
  });

  describe('blocked element resize', () => {
    const body = `<style>body { margin: 0 }</style>
<div id="banner" class="mp-block" style="width: 50%; height: 40px">canary-banner</div>`;
    const widthOf = (page: Page) =>
      page.evaluate(() => document.getElementById('banner')!.getBoundingClientRect().width);

    it('replayed box follows the live width', async () => {
      const live: { width: number; atMs: number }[] = [];
      const recorded = await recordPage(bed, '/banner.html', {}, body, async (page) => {
        for (const viewportWidth of [800, 1000, 640]) {
          await page.setViewportSize({ width: viewportWidth, height: 600 });
          await page.waitForTimeout(300);
          live.push({ width: await widthOf(page), atMs: await page.evaluate(() => Date.now()) });
        }
      });
      const [page, player] = await replay(bed, recorded);
      const boxWidth = (document: Document) =>
        document.querySelector('.mp-block')!.getBoundingClientRect().width;
      const startMs = recorded.events[0]!.timestamp;
      const replayedAt = async (atMs: number) => {
        await player.seek(atMs - startMs);
        return player.read(boxWidth);
      };

      const replayed = [];
      for (const { atMs } of live) replayed.push(await replayedAt(atMs));
      await player.seek(0);
      await player.seekToEnd();
      const afterSeekingBack = await player.read(boxWidth);
      const middleAfterSeekingBack = await replayedAt(live[1]!.atMs);
      await page.close();

      expect(recorded.bodies).not.toContain('canary-banner');
      expect(live.map(({ width }) => width)).toEqual([400, 500, 320]);
      for (const [index, width] of replayed.entries()) {
        expect(Math.abs(width - live[index]!.width)).toBeLessThanOrEqual(1);
      }
      expect(Math.abs(afterSeekingBack - 320)).toBeLessThanOrEqual(1);
      expect(Math.abs(middleAfterSeekingBack - 500)).toBeLessThanOrEqual(1);
    });
  });
});
