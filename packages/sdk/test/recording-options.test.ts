import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { recordPage, rrweb, startTestBed, type RecordedPage, type SdkTestBed } from './helpers.js';

// One test per recording option, each showing what the option changes in what is sent.
// `record_min_ms` is tested in upload.test.ts, `record_idle_timeout_ms` and `record_max_ms` in
// replay.test.ts.

type Config = Record<string, unknown>;

const maskingPage = `
<p>canary-plain-text</p>
<div class="public">
  <p>canary-public-text</p>
  <p class="private">canary-public-private</p>
  <input value="canary-public-value">
</div>
<p class="private">canary-private-text</p>
<div class="mp-mask">canary-mp-mask-text</div>
<input value="canary-plain-value">
<input class="private" value="canary-private-value">`;

const maskingCanaries = [
  'canary-plain-text',
  'canary-public-text',
  'canary-public-private',
  'canary-private-text',
  'canary-mp-mask-text',
  'canary-plain-value',
  'canary-public-value',
  'canary-private-value',
];
const allText = maskingCanaries.slice(0, 4);
const allValues = maskingCanaries.slice(5);

/** Options, then the canaries they send; every other canary must be absent. */
const maskingTable: [string, Config, string[]][] = [
  ['defaults', {}, []],
  ['text selector ""', { record_mask_text_selector: '' }, allText],
  ['mask all text false', { record_mask_all_text: false }, allText],
  [
    'text selector "*" with unmask',
    { record_mask_text_selector: '*', record_unmask_text_selector: '.public' },
    ['canary-public-text', 'canary-public-private'],
  ],
  [
    'mask all text with unmask',
    { record_mask_all_text: true, record_unmask_text_selector: '.public' },
    ['canary-public-text', 'canary-public-private'],
  ],
  [
    'text selector list',
    { record_mask_text_selector: ['.private', '.mp-mask'] },
    ['canary-plain-text', 'canary-public-text'],
  ],
  [
    'nearest text match wins',
    {
      record_mask_all_text: true,
      record_mask_text_selector: '.private',
      record_unmask_text_selector: '.public',
    },
    ['canary-public-text'],
  ],
  ['mask all inputs false', { record_mask_all_inputs: false }, allValues],
  [
    'input selector without mask all',
    { record_mask_all_inputs: false, record_mask_input_selector: '.private' },
    ['canary-plain-value', 'canary-public-value'],
  ],
  ['input selector alone', { record_mask_input_selector: '' }, []],
  ['unmask input selector', { record_unmask_input_selector: '.public' }, ['canary-public-value']],
  [
    'nearest input match wins',
    { record_unmask_input_selector: '.public', record_mask_input_selector: '.public input' },
    [],
  ],
  [
    'everything unmasked',
    { record_mask_all_text: false, record_mask_all_inputs: false },
    [...allText, ...allValues],
  ],
];

const blockingPage = `
<img src="/missing/canary-img-src.png" style="width: 10px; height: 10px">
<div class="ad">canary-ad</div>
<div class="mp-block">canary-mp-block</div>
<div class="fs-exclude">canary-fs-exclude</div>
<div class="amp-block">canary-amp-block</div>
<div class="rr-block">canary-rr-block</div>
<div class="ph-no-capture">canary-ph-no-capture</div>
<div class="custom-block">canary-custom-block</div>
<div class="hide-me">canary-hide-me</div>`;

const blockingCanaries = [
  'canary-img-src',
  'canary-ad',
  'canary-mp-block',
  'canary-fs-exclude',
  'canary-amp-block',
  'canary-rr-block',
  'canary-ph-no-capture',
  'canary-custom-block',
  'canary-hide-me',
];
const otherToolClasses = blockingCanaries.slice(3, 7);

const blockingTable: [string, Config, string[]][] = [
  ['defaults', {}, ['canary-ad', 'canary-custom-block', 'canary-hide-me']],
  [
    'block selector',
    { record_block_selector: '.ad' },
    ['canary-img-src', 'canary-custom-block', 'canary-hide-me'],
  ],
  [
    'empty block selector',
    { record_block_selector: '' },
    ['canary-img-src', 'canary-ad', 'canary-custom-block', 'canary-hide-me'],
  ],
  [
    'block class name',
    { record_block_class: 'custom-block' },
    ['canary-ad', ...otherToolClasses, 'canary-hide-me'],
  ],
  [
    'block class pattern',
    { record_block_class: /^hide-/ },
    ['canary-ad', ...otherToolClasses, 'canary-custom-block'],
  ],
];

/** Records `body` under each row's options at once, and returns the results by row name. */
async function recordTable(
  bed: SdkTestBed,
  table: [string, Config, string[]][],
  body: string,
  base: Config = {},
): Promise<Map<string, RecordedPage>> {
  const results = await Promise.all(
    table.map(([, config], index) =>
      recordPage(bed, `/options-${index}-${Date.now()}.html`, { ...base, ...config }, body),
    ),
  );
  return new Map(table.map(([name], index) => [name, results[index]!]));
}

/** Returns the first full snapshot's DOM, to compare two recordings of the same page. */
function snapshotOf(recorded: RecordedPage): unknown {
  return recorded.events.find((event) => event.type === rrweb.fullSnapshot)?.data.node;
}

function incrementalSources(recorded: RecordedPage): number[] {
  return recorded.events
    .filter((event) => event.type === rrweb.incremental)
    .map((event) => Number(event.data.source));
}

describe('recording options', () => {
  let bed: SdkTestBed;
  let masking: Map<string, RecordedPage>;
  let blocking: Map<string, RecordedPage>;

  beforeAll(async () => {
    bed = await startTestBed();
    masking = await recordTable(bed, maskingTable, maskingPage);
    blocking = await recordTable(bed, blockingTable, blockingPage, { record_mask_all_text: false });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it.each(
    maskingTable.flatMap(([name, , sent]) =>
      maskingCanaries.map((canary) => [name, canary, sent.includes(canary)] as const),
    ),
  )('%s: %s sent is %s', (name, canary, sent) => {
    expect(masking.get(name)!.bodies.includes(canary)).toBe(sent);
  });

  it.each([
    ['text selector ""', 'mask all text false'],
    ['text selector "*" with unmask', 'mask all text with unmask'],
  ])('%s equals %s', (first, second) => {
    expect(snapshotOf(masking.get(first)!)).toEqual(snapshotOf(masking.get(second)!));
  });

  it.each(
    blockingTable.flatMap(([name, , sent]) =>
      blockingCanaries.map((canary) => [name, canary, sent.includes(canary)] as const),
    ),
  )('%s: %s sent is %s', (name, canary, sent) => {
    expect(blocking.get(name)!.bodies.includes(canary)).toBe(sent);
  });

  describe.each([
    [true, true],
    [false, false],
  ])('record_collect_fonts %s', (collectFonts, expected) => {
    it(`font event recorded: ${expected}`, async () => {
      const addFont = async (page: Page) => {
        await page.evaluate(() => {
          document.fonts.add(new FontFace('Canary Sans', 'url(/missing/canary.woff2)'));
        });
        await page.waitForTimeout(100);
      };
      const recorded = await recordPage(
        bed,
        `/fonts-${collectFonts}.html`,
        { record_collect_fonts: collectFonts },
        `<p style="font-family: 'Canary Sans'">text</p>`,
        addFont,
      );
      expect(incrementalSources(recorded).includes(rrweb.font)).toBe(expected);
    });
  });

  describe.each([
    [true, true],
    [false, false],
  ])('record_canvas %s', (recordCanvas, expected) => {
    it(`canvas frames recorded: ${expected}`, async () => {
      const draw = async (page: Page) => {
        await page.evaluate(() => {
          const context = (document.getElementById('canvas') as HTMLCanvasElement).getContext(
            '2d',
          )!;
          context.fillStyle = 'red';
          context.fillRect(0, 0, 40, 40);
        });
        await page.waitForTimeout(500);
      };
      const recorded = await recordPage(
        bed,
        `/canvas-${recordCanvas}.html`,
        { record_canvas: recordCanvas },
        '<canvas id="canvas" width="40" height="40"></canvas>',
        draw,
      );
      expect(incrementalSources(recorded).includes(rrweb.canvasMutation)).toBe(expected);
    });
  });
});
