import type { Page } from 'playwright-core';

/**
 * A page seeded with canary strings in every place where text or a value can reach a
 * recording, and the user and script actions that change them. It loads no SDK: pass
 * `privacyFormBody` as the body of a page that does (the SDK's script must come after it).
 * A test records the page, runs `exercisePrivacyForm`, then searches every decompressed request
 * body for the canaries.
 *
 * Canaries are grouped by the masking that hides them, so a test can also check that an
 * unmasked group does reach the recording, which proves that the page exercised it.
 */
export const privacyCanaries = {
  /** Page text and text attributes: hidden while text is masked. */
  text: [
    'canary-document-title',
    'canary-meta-description',
    'canary-og-title',
    'canary-heading',
    'canary-paragraph',
    'canary-mailto',
    'canary-placeholder',
    'canary-title-attribute',
    'canary-aria-label',
    'canary-aria-description',
    'canary-image-input-alt',
    'canary-submit-label',
    'canary-optgroup-label',
    'canary-data-value',
    'canary-download-name',
    'canary-table-summary',
    'canary-header-abbr',
    'canary-aria-valuetext',
    'canary-title-changed',
    'canary-shadow-text',
    'canary-shadow-span',
    'canary-iframe-text',
    'canary-mutation-text',
    'canary-changed-text',
    'canary-added-text',
    'canary-added-placeholder',
    'canary-changed-title',
    'canary-shadow-changed',
    'canary-iframe-added',
  ],
  /** Field values, typed or set by a script: hidden while inputs are masked. */
  input: [
    'canary-typed-input',
    'canary-initial-value',
    'canary-textarea-initial',
    'canary-textarea-typed',
    'canary-textarea-script',
    'canary-option-value-a',
    'canary-option-value-b',
    'canary-option-text-a',
    'canary-option-text-b',
    'canary-plain-option-a',
    'canary-plain-option-b',
    'canary-script-value',
    'canary-attribute-value',
    'canary-added-value',
    'canary-radio-value',
    'canary-checkbox-value',
    'canary-button-value',
    'canary-option-label',
    'canary-custom-element-value',
    'canary-editable',
    'canary-shadow-input',
    'canary-iframe-input',
  ],
  /** Sensitive fields: hidden whatever the options. */
  sensitive: [
    'canary-password-before',
    'canary-password-shown',
    'canary-password-after',
    'canary-email',
    'canary-tel',
    'canary-hidden',
    'canary-card',
    'canary-one-time-code',
    'canary-autocomplete-on',
  ],
  /** Inside `mp-mask` or a blocked element: hidden whatever the options. */
  maskedOrBlocked: [
    'canary-mp-mask',
    'canary-mp-mask-input',
    'canary-blocked-text',
    'canary-fs-exclude',
    'canary-img-src',
    'canary-blocked-alt',
  ],
} as const;

/** Ids of elements that `clickPrivacyTargets` clicks: one masked, two blocked. */
export const privacyFormClickTargets = ['masked-span', 'photo', 'blocked-block'] as const;

export const privacyFormBody = `
<style>
  #photo { display: inline-block; width: 120px; height: 80px; }
  #blocked-block { width: 200px; height: 50px; }
</style>
<script>
  // Head content that the snapshot records; this runs before the SDK starts.
  document.title = 'canary-document-title';
  for (const [key, name, content] of [
    ['name', 'description', 'canary-meta-description'],
    ['property', 'og:title', 'canary-og-title'],
  ]) {
    const meta = document.createElement('meta');
    meta.setAttribute(key, name);
    meta.setAttribute('content', content);
    document.head.append(meta);
  }
</script>
<h2 id="heading">canary-heading</h2>
<p id="intro">canary-paragraph and more</p>
<a id="mail" href="mailto:canary-mailto@example.com">write to us</a>
<a href="/files/1" download="canary-download-name.pdf">download</a>
<table summary="canary-table-summary"><tr><th abbr="canary-header-abbr">Name</th></tr></table>
<div role="slider" aria-valuenow="3" aria-valuetext="canary-aria-valuetext">3</div>
<div class="mp-mask">
  <span id="masked-span">canary-mp-mask</span>
  <input id="masked-input" value="canary-mp-mask-input" />
</div>
<div id="blocked-block" class="mp-block">canary-blocked-text</div>
<div class="fs-exclude">canary-fs-exclude</div>
<form onsubmit="return false">
  <input id="text" placeholder="canary-placeholder" title="canary-title-attribute"
    aria-label="canary-aria-label" aria-description="canary-aria-description" />
  <input id="initial" value="canary-initial-value" />
  <textarea id="area">canary-textarea-initial</textarea>
  <textarea id="scripted-area"></textarea>
  <select id="choice">
    <optgroup label="canary-optgroup-label">
      <option value="canary-option-value-a" selected>canary-option-text-a</option>
      <option value="canary-option-value-b">canary-option-text-b</option>
      <option value="c" label="canary-option-label">c</option>
    </optgroup>
  </select>
  <select id="plain-choice">
    <option>canary-plain-option-a</option>
    <option>canary-plain-option-b</option>
  </select>
  <input id="pw" type="password" name="pw" />
  <button id="toggle" type="button">show</button>
  <input id="email" type="email" />
  <input id="tel" type="tel" />
  <input id="hidden" type="hidden" value="canary-hidden" />
  <input id="card" name="card_number" />
  <input id="otp" autocomplete="one-time-code" />
  <input id="remembered" autocomplete="on" />
  <input id="scripted" />
  <input id="attribute-changed" />
  <input id="radio" type="radio" name="r" value="canary-radio-value" />
  <input id="check" type="checkbox" value="canary-checkbox-value" />
  <input id="submit" type="submit" value="canary-submit-label" />
  <button id="button-value" type="button" value="canary-button-value">send</button>
  <fancy-input id="fancy" value="canary-custom-element-value"></fancy-input>
  <data value="canary-data-value">Product</data>
  <div id="editable" contenteditable="true"></div>
</form>
<img id="photo" alt="canary-blocked-alt" src="/missing/canary-img-src.png" />
<input id="image-button" type="image" alt="canary-image-input-alt" src="data:," />
<div id="host"></div>
<iframe id="frame" srcdoc="<p id='in-frame'>canary-iframe-text</p><input id='frame-input'>"></iframe>
<div id="later"></div>
<script>
  const shadow = document.getElementById('host').attachShadow({ mode: 'open' });
  shadow.append('canary-shadow-text');
  shadow.append(Object.assign(document.createElement('span'), { textContent: 'canary-shadow-span' }));
  shadow.append(Object.assign(document.createElement('input'), { id: 'shadow-input' }));
  document.getElementById('toggle').onclick = () => {
    const field = document.getElementById('pw');
    field.type = field.type === 'password' ? 'text' : 'password';
  };
</script>`;

/** Changes every canary place by script, as a single-page app would. */
function changeByScript(): void {
  const byId = (id: string) => document.getElementById(id)!;
  (byId('scripted') as HTMLInputElement).value = 'canary-script-value';
  byId('attribute-changed').setAttribute('value', 'canary-attribute-value');
  byId('scripted-area').textContent = 'canary-textarea-script';
  (byId('plain-choice') as HTMLSelectElement).selectedIndex = 1;
  byId('later').textContent = 'canary-mutation-text';
  document.title = 'canary-title-changed';
  (byId('intro').firstChild as Text).data = 'canary-changed-text';
  byId('text').setAttribute('title', 'canary-changed-title');
  const added = document.createElement('section');
  added.innerHTML =
    '<p>canary-added-text</p><input placeholder="canary-added-placeholder" value="canary-added-value">';
  document.body.append(added);
  const shadow = byId('host').shadowRoot!;
  (shadow.firstChild as Text).data = 'canary-shadow-changed';
  const frameDocument = (byId('frame') as HTMLIFrameElement).contentDocument!;
  frameDocument.body.append('canary-iframe-added');
}

/**
 * Types, picks and toggles on the privacy form, and changes it by script. Waits for the
 * same-origin frame to load first, so that its content is part of the recording.
 */
export async function exercisePrivacyForm(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const frame = document.getElementById('frame') as HTMLIFrameElement | null;
    return frame?.contentDocument?.getElementById('frame-input') != null;
  });
  await page.fill('#text', 'canary-typed-input');
  await page.click('#area');
  await page.keyboard.press('End');
  await page.keyboard.type(' canary-textarea-typed');
  await page.selectOption('#choice', 'canary-option-value-b');
  await page.type('#pw', 'canary-password-before');
  await page.click('#toggle');
  await page.type('#pw', 'canary-password-shown');
  await page.click('#toggle');
  await page.type('#pw', 'canary-password-after');
  await page.type('#email', 'canary-email');
  await page.type('#tel', 'canary-tel');
  await page.type('#card', 'canary-card');
  await page.type('#otp', 'canary-one-time-code');
  await page.type('#remembered', 'canary-autocomplete-on');
  await page.check('#radio');
  await page.check('#check');
  await page.click('#editable');
  await page.keyboard.type('canary-editable');
  await page.locator('#host input').fill('canary-shadow-input');
  await page.frameLocator('#frame').locator('#frame-input').fill('canary-iframe-input');
  await page.evaluate(changeByScript);
}

/**
 * Clicks the centre of each of `privacyFormClickTargets` and returns where, in viewport
 * coordinates (what rrweb records as `x` and `y`), by element id.
 */
export async function clickPrivacyTargets(
  page: Page,
): Promise<Record<string, { x: number; y: number }>> {
  const clicked: Record<string, { x: number; y: number }> = {};
  for (const id of privacyFormClickTargets) {
    const target = page.locator(`#${id}`);
    await target.scrollIntoViewIfNeeded();
    const box = (await target.boundingBox())!;
    const point = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
    await page.mouse.click(point.x, point.y);
    clicked[id] = point;
  }
  return clicked;
}
