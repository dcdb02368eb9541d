import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startStaticServer, type StaticServer } from '@reprise/e2e/support';
import type * as AttributePrivacy from '../src/recorder/attribute-privacy.js';
import type * as Privacy from '../src/recorder/privacy.js';
import type { PrivacyOptions } from '../src/recorder/privacy.js';

/** What the fixture page and the bundle add to `window`. */
interface RulesWindow {
  privacyRules: typeof Privacy & typeof AttributePrivacy;
  /** Finds an element by id in the document, its open shadow roots and its frames. */
  findElement(id: string): Element;
}

// The privacy rules, run on a real DOM in Chromium: selectors, shadow roots and frames behave
// as they do on a customer's page. The rules' source is bundled for the test page here.

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

async function bundleRules(): Promise<string> {
  const result = await esbuild.build({
    stdin: {
      contents: `export { createPrivacyRules, maskedChoice } from './src/recorder/privacy.ts';
export { maskAttributes } from './src/recorder/attribute-privacy.ts';`,
      resolveDir: packageRoot,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'privacyRules',
    target: 'es2020',
    write: false,
  });
  return result.outputFiles[0]!.text;
}

const fixture = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<div class="public">
  <p id="public-p">text</p>
  <div class="secret">
    <span id="public-secret">text</span>
    <div class="public"><span id="public-secret-public">text</span></div>
    <input id="public-inner-input">
  </div>
  <div class="mp-mask"><span id="public-mp-mask">text</span></div>
  <div class="rr-mask"><span id="public-rr-mask">text</span></div>
  <p id="both" class="public secret">text</p>
  <input id="public-input">
  <input id="public-password" type="password">
  <input id="public-email" type="email">
  <input id="public-card" name="cc-number">
  <input id="public-autocomplete-on" autocomplete="on">
  <input id="public-autocomplete-off" autocomplete="off">
  <select id="public-select"><option id="public-option">a</option></select>
  <textarea id="public-textarea">t</textarea>
  <div id="public-editable" contenteditable="true"><b id="public-editable-b">t</b></div>
  <input id="public-submit" type="submit" value="Go">
</div>
<p id="plain">text</p>
<input id="plain-input" placeholder="Your name">
<input id="plain-check" type="checkbox" checked>
<textarea id="plain-textarea">t</textarea>
<div id="plain-editable" contenteditable="true"><b id="plain-editable-b">t</b></div>
<select id="plain-select"><option id="plain-option" value="x">a</option><option id="empty-option" value="">-</option></select>
<a id="mail" href="mailto:alice@example.com">mail</a>
<div id="public-host" class="public"></div>
<div class="mp-mask"><div id="masked-host" class="public"></div></div>
<iframe id="public-frame" class="public" srcdoc="<p id='frame-in-public'>t</p>"></iframe>
<iframe id="plain-frame" srcdoc="<p id='frame-plain'>t</p>"></iframe>
<script>
  const publicShadow = document.getElementById('public-host').attachShadow({ mode: 'open' });
  publicShadow.innerHTML =
    '<span id="shadow-in-public">t</span><div class="mp-mask"><span id="shadow-mp-mask">t</span></div>';
  const maskedShadow = document.getElementById('masked-host').attachShadow({ mode: 'open' });
  maskedShadow.innerHTML = '<span id="shadow-in-masked">t</span>';
  /** Finds an element by id in the document, its open shadow roots and its frames. */
  window.findElement = (id) => {
    const roots = [document, publicShadow, maskedShadow];
    for (const frame of document.querySelectorAll('iframe')) roots.push(frame.contentDocument);
    for (const root of roots) {
      const found = root.getElementById ? root.getElementById(id) : root.querySelector('#' + id);
      if (found) return found;
    }
    throw new Error('no element #' + id);
  };
</script>
</body></html>`;

const none = '';
const textOptions = {
  default: { maskAllText: true, maskTextSelector: none, unmaskTextSelector: none },
  unmaskPublic: { maskAllText: true, maskTextSelector: none, unmaskTextSelector: '.public' },
  bothSelectors: { maskAllText: true, maskTextSelector: '.secret', unmaskTextSelector: '.public' },
  off: { maskAllText: false, maskTextSelector: none, unmaskTextSelector: none },
  maskSecret: { maskAllText: false, maskTextSelector: '.secret', unmaskTextSelector: none },
  offBoth: { maskAllText: false, maskTextSelector: '.secret', unmaskTextSelector: '.public' },
};
const inputOptions = {
  default: { maskAllInputs: true, maskInputSelector: none, unmaskInputSelector: none },
  unmaskPublic: { maskAllInputs: true, maskInputSelector: none, unmaskInputSelector: '.public' },
  bothSelectors: {
    maskAllInputs: true,
    maskInputSelector: '.secret',
    unmaskInputSelector: '.public',
  },
  off: { maskAllInputs: false, maskInputSelector: none, unmaskInputSelector: none },
  maskSecret: { maskAllInputs: false, maskInputSelector: '.secret', unmaskInputSelector: none },
};
type TextCase = keyof typeof textOptions;
type InputCase = keyof typeof inputOptions;
const textCases = Object.keys(textOptions) as TextCase[];
const inputCases = Object.keys(inputOptions) as InputCase[];

/** Element id, then whether its text is masked under each of `textCases`, in order. */
const textTable: [string, ...boolean[]][] = [
  ['plain', true, true, true, false, false, false],
  ['public-p', true, false, false, false, false, false],
  ['public-secret', true, false, true, false, true, true],
  ['public-secret-public', true, false, false, false, true, false],
  ['both', true, false, true, false, true, true],
  ['public-mp-mask', true, true, true, true, true, true],
  ['public-rr-mask', true, true, true, true, true, true],
  ['shadow-in-public', true, false, false, false, false, false],
  ['shadow-mp-mask', true, true, true, true, true, true],
  ['shadow-in-masked', true, true, true, true, true, true],
  ['frame-in-public', true, false, false, false, false, false],
  ['frame-plain', true, true, true, false, false, false],
  // Text that is a field value stays masked by the default input rules.
  ['plain-textarea', true, true, true, true, true, true],
  ['plain-editable-b', true, true, true, true, true, true],
  ['public-editable-b', true, true, true, true, true, true],
];

/** Field id, then whether its value is masked under each of `inputCases`, in order. */
const inputTable: [string, ...boolean[]][] = [
  ['plain-input', true, true, true, false, false],
  ['public-input', true, false, false, false, false],
  ['public-inner-input', true, false, true, false, true],
  ['public-password', true, true, true, true, true],
  ['public-email', true, true, true, true, true],
  ['public-card', true, true, true, true, true],
  ['public-autocomplete-on', true, true, true, true, true],
  ['public-autocomplete-off', true, false, false, false, false],
  ['public-option', true, false, false, false, false],
  ['public-textarea', true, false, false, false, false],
  ['public-editable', true, false, false, false, false],
  ['public-mp-mask', true, true, true, true, true],
];

function optionsFor(text: TextCase, input: InputCase): PrivacyOptions {
  return { ...textOptions[text], ...inputOptions[input] };
}

describe('privacy rules', () => {
  let browser: Browser;
  let site: StaticServer;
  let page: Page;

  /** Runs one rule on the element with `id` in the fixture page. */
  function check(
    rule: 'shouldMaskText' | 'shouldMaskInput',
    options: PrivacyOptions,
    id: string,
  ): Promise<boolean> {
    return page.evaluate(
      ([rule, options, id]) => {
        const { privacyRules, findElement: find } = window as unknown as RulesWindow;
        const { createPrivacyRules } = privacyRules;
        return createPrivacyRules(options)[rule](find(id));
      },
      [rule, options, id] as const,
    );
  }

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchChromium(), startStaticServer()]);
    site.setPage('/rules.html', fixture);
    page = await browser.newPage();
    await page.goto(`${site.origin}/rules.html`);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('iframe')].every(
        (frame) => frame.contentDocument?.body?.firstChild,
      ),
    );
    await page.addScriptTag({ content: await bundleRules() });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  describe.each(textCases.map((name, index) => [name, index] as const))(
    'text, %s',
    (name, index) => {
      it.each(textTable.map((row) => [row[0], row[index + 1]] as const))(
        '%s masked: %s',
        async (id, expected) => {
          expect(await check('shouldMaskText', optionsFor(name, 'default'), id)).toBe(expected);
        },
      );
    },
  );

  describe.each(inputCases.map((name, index) => [name, index] as const))(
    'inputs, %s',
    (name, index) => {
      it.each(inputTable.map((row) => [row[0], row[index + 1]] as const))(
        '%s masked: %s',
        async (id, expected) => {
          expect(await check('shouldMaskInput', optionsFor('default', name), id)).toBe(expected);
        },
      );
    },
  );

  it.each(['plain-textarea', 'plain-editable-b'])('%s unmasked when both off', async (id) => {
    expect(await check('shouldMaskText', optionsFor('off', 'off'), id)).toBe(false);
  });

  it('password stays masked after type change', async () => {
    const masked = await page.evaluate(() => {
      const { createPrivacyRules } = (window as unknown as RulesWindow).privacyRules;
      const rules = createPrivacyRules({
        maskAllText: false,
        maskTextSelector: '',
        unmaskTextSelector: '',
        maskAllInputs: false,
        maskInputSelector: '',
        unmaskInputSelector: '*',
      });
      const field = document.createElement('input');
      field.type = 'password';
      document.body.append(field);
      const results = [rules.shouldMaskInput(field)];
      field.type = 'text';
      results.push(rules.shouldMaskInput(field));
      field.type = 'password';
      results.push(rules.shouldMaskInput(field));
      field.remove();
      return results;
    });
    expect(masked).toEqual([true, true, true]);
  });

  it('values by element kind', async () => {
    const values = await page.evaluate(() => {
      const { privacyRules, findElement: find } = window as unknown as RulesWindow;
      const { createPrivacyRules } = privacyRules;
      const masking = createPrivacyRules({
        maskAllText: true,
        maskTextSelector: '',
        unmaskTextSelector: '',
        maskAllInputs: true,
        maskInputSelector: '',
        unmaskInputSelector: '',
      });
      const textOff = createPrivacyRules({
        maskAllText: false,
        maskTextSelector: '',
        unmaskTextSelector: '',
        maskAllInputs: true,
        maskInputSelector: '',
        unmaskInputSelector: '',
      });
      return {
        select: masking.maskValue(find('plain-select'), 'x'),
        emptyOption: masking.maskValue(find('empty-option'), ''),
        option: masking.maskValue(find('plain-option'), 'a b c d e f'),
        input: masking.maskValue(find('plain-input'), 'a b'),
        submitMasked: masking.maskValue(find('public-submit'), 'Go on'),
        submitTextOff: textOff.maskValue(find('public-submit'), 'Go on'),
        inputTextOff: textOff.maskValue(find('plain-input'), 'a b'),
        unknown: masking.maskValue(null, 'abc'),
      };
    });
    expect(values.select).toBe('********');
    expect(values.emptyOption).toBe('');
    expect(values.option).toBe('********');
    expect(values.input).toBe('***');
    expect(values.submitMasked).toBe('** **');
    expect(values.submitTextOff).toBe('Go on');
    expect(values.inputTextOff).toBe('***');
    expect(values.unknown).toBe('***');
  });

  it('attributes by element kind', async () => {
    const attributes = await page.evaluate(() => {
      const { privacyRules, findElement: find } = window as unknown as RulesWindow;
      const { createPrivacyRules, maskAttributes } = privacyRules;
      const rules = createPrivacyRules({
        maskAllText: true,
        maskTextSelector: '',
        unmaskTextSelector: '',
        maskAllInputs: true,
        maskInputSelector: '',
        unmaskInputSelector: '',
      });
      const description = document.createElement('meta');
      description.name = 'description';
      const viewport = document.createElement('meta');
      viewport.name = 'viewport';
      document.head.append(description, viewport);
      const cases: [Element | null, string, Record<string, unknown>][] = [
        [find('plain-input'), 'input', { placeholder: 'Your name', title: 'Hi you' }],
        [description, 'meta', { name: 'description', content: 'About Alice' }],
        [viewport, 'meta', { name: 'viewport', content: 'width=device-width' }],
        [find('mail'), 'a', { href: 'mailto:alice@example.com' }],
        [find('plain-frame'), 'iframe', { srcdoc: '<p>Alice</p>' }],
        [find('plain-check'), 'input', { type: 'checkbox', checked: true }],
        [find('plain-option'), 'option', { value: 'x', selected: true }],
        [null, 'span', { 'aria-label': 'Close' }],
      ];
      return cases.map(([element, tag, recorded]) => {
        maskAttributes(rules, element, tag, recorded);
        return recorded;
      });
    });
    expect(attributes).toEqual([
      { placeholder: '**** ****', title: '** ***' },
      { name: 'description', content: '***** *****' },
      { name: 'viewport', content: 'width=device-width' },
      { href: 'mailto:*****************' },
      { srcdoc: '' },
      { type: 'checkbox' },
      { value: '********' },
      { 'aria-label': '*****' },
    ]);
  });
});
