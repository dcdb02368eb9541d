import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  recordUploads,
  sdkPage,
  sleep,
  startTestBed,
  waitFor,
  type SdkTestBed,
} from './helpers.js';

/** Form values a person types, picks or a script sets: never sent, whatever the options. */
const inputCanaries = [
  'canary-typed-input',
  'canary-initial-value',
  'canary-textarea-initial',
  'canary-textarea-typed',
  'canary-option-value-a',
  'canary-option-value-b',
  'canary-option-text-a',
  'canary-option-text-b',
  'canary-password-before',
  'canary-password-after',
  'canary-email',
  'canary-hidden',
  'canary-card',
  'canary-script-value',
  'canary-attr-value',
  'canary-radio-value',
];

/** Page text: never sent while text masking is on. */
const textCanaries = [
  'canary-paragraph',
  'canary-shadow-text',
  'canary-placeholder',
  'canary-title',
  'canary-alt',
  'canary-mutation-text',
  'canary-mp-mask',
  'canary-editable',
  'canary-img-src',
  'canary-comment',
];

const formBody = `
  <style>#photo { display: inline-block; width: 120px; height: 80px; }</style>
  <p id="intro">canary-paragraph and more</p>
  <!-- canary-comment -->
  <div class="public">
    <span id="public-text">visible public text</span>
    <span id="masked-span" class="mp-mask">canary-mp-mask</span>
    <input id="card" name="card_number" />
  </div>
  <form>
    <input id="text" placeholder="canary-placeholder" title="canary-title" />
    <input id="initial" value="canary-initial-value" />
    <textarea id="area">canary-textarea-initial</textarea>
    <select id="choice">
      <option value="canary-option-value-a" selected>canary-option-text-a</option>
      <option value="canary-option-value-b">canary-option-text-b</option>
    </select>
    <input id="pw" type="password" />
    <button id="toggle" type="button">show</button>
    <input id="email" type="email" />
    <input id="hidden" type="hidden" value="canary-hidden" />
    <input id="scripted" />
    <input id="radio" type="radio" name="r" value="canary-radio-value" />
    <div id="editable" contenteditable="true"></div>
  </form>
  <img id="photo" alt="canary-alt" src="/missing/canary-img-src.png" />
  <div id="host"></div>
  <div id="later"></div>
  <script>
    document.getElementById('host').attachShadow({ mode: 'open' }).append('canary-shadow-text');
    document.getElementById('toggle').onclick = () => { document.getElementById('pw').type = 'text'; };
  </script>`;

async function exercisePage(page: Page): Promise<void> {
  await page.fill('#text', 'canary-typed-input');
  await page.fill('#area', 'canary-textarea-typed');
  await page.selectOption('#choice', 'canary-option-value-b');
  await page.type('#pw', 'canary-password-before');
  await page.click('#toggle');
  await page.type('#pw', 'canary-password-after');
  await page.type('#email', 'canary-email');
  await page.type('#card', 'canary-card');
  await page.check('#radio');
  await page.click('#editable');
  await page.keyboard.type('canary-editable');
  await page.evaluate(() => {
    const scripted = document.getElementById('scripted') as HTMLInputElement;
    scripted.value = 'canary-script-value';
    scripted.dispatchEvent(new Event('input', { bubbles: true }));
    document.getElementById('initial')!.setAttribute('value', 'canary-attr-value');
    const later = document.getElementById('later')!;
    later.textContent = 'canary-mutation-text';
  });
  await page.click('#photo');
  await page.click('#masked-span');
}

/** Loads the form page with `config`, exercises it, and returns every `/record/` body. */
async function recordForm(bed: SdkTestBed, config: Record<string, unknown>): Promise<string[]> {
  bed.capture.requests.length = 0;
  bed.site.setPage(
    '/form.html',
    sdkPage(
      bed,
      { record_sessions_percent: 100, record_flush_interval_ms: 300, ...config },
      formBody,
    ),
  );
  const page = await bed.browser.newPage();
  await page.goto(`${bed.site.origin}/form.html`);
  await waitFor(() => recordUploads(bed.capture).length > 0, 'the first /record/ upload');
  await exercisePage(page);
  await sleep(800);
  await page.close({ runBeforeUnload: true });
  await sleep(300);
  return recordUploads(bed.capture).map((upload) => upload.request.text);
}

describe('privacy', () => {
  let bed: SdkTestBed;
  let defaultBodies: string[];
  let textUnmaskedBodies: string[];

  beforeAll(async () => {
    bed = await startTestBed();
    defaultBodies = await recordForm(bed, {
      record_unmask_text_selector: '.public',
      record_unmask_input_selector: '#pw, #email, .public input',
    });
    textUnmaskedBodies = await recordForm(bed, { record_mask_text_selector: '' });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it.each([...inputCanaries, ...textCanaries])('default masking never sends %s', (canary) => {
    expect(defaultBodies.length).toBeGreaterThan(0);
    expect(defaultBodies.join('\n')).not.toContain(canary);
  });

  it.each(inputCanaries)('text masking off still masks %s', (canary) => {
    expect(textUnmaskedBodies.join('\n')).not.toContain(canary);
  });

  it('unmask selector sends matching text', () => {
    expect(defaultBodies.join('\n')).toContain('visible public text');
  });

  it('text masking off sends page text', () => {
    expect(textUnmaskedBodies.join('\n')).toContain('canary-paragraph');
  });

  it('masked text keeps length and spaces', () => {
    expect(defaultBodies.join('\n')).toContain('"**************** *** ****"');
  });

  it('blocked image becomes a sized box', () => {
    const image = /"tagName":"img","attributes":\{[^}]*\}/.exec(defaultBodies.join('\n'))?.[0];
    expect(image).toMatch(/"tagName":"img","attributes":\{"rr_width":"120px","rr_height":"80px"\}/);
  });

  it('records clicks on blocked and masked elements', () => {
    const events = defaultBodies.flatMap(
      (body) => JSON.parse(body) as { type: number; data: Record<string, unknown> }[],
    );
    const clicks = events.filter(
      (event) => event.type === 3 && event.data.source === 2 && event.data.type === 2,
    );
    const clickedIds = new Set(clicks.map((click) => click.data.id));
    const imageId =
      /"type":2,"tagName":"img","attributes":\{[^}]*\},"childNodes":\[\],"id":(\d+)/.exec(
        defaultBodies.join('\n'),
      )?.[1];
    const spanId =
      /"tagName":"span","attributes":\{"id":"masked-span"[^}]*\},"childNodes":\[[^\]]*\],"id":(\d+)/.exec(
        defaultBodies.join('\n'),
      )?.[1];
    expect(imageId).toBeDefined();
    expect(spanId).toBeDefined();
    expect(clickedIds.has(Number(imageId))).toBe(true);
    expect(clickedIds.has(Number(spanId))).toBe(true);
  });
});
