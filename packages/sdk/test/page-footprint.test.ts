import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPage, recordedIdOf, startTestBed, type SdkTestBed } from './helpers.js';

// rrweb reads DOM accessors from a hidden iframe's prototypes when it suspects the page's own
// ones are patched. Reprise's build keeps the page's prototypes when they are native, so an
// untouched page gets no iframe from the recorder, and a page that patched them still does.

/**
 * Counts the iframes added to the document in `window.addedIframes`, from before the SDK loads,
 * and attaches a shadow root whose content must be recorded. `prelude` runs first.
 */
function footprintBody(prelude = ''): string {
  return `
<script>
  ${prelude}
  window.addedIframes = 0;
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeName === 'IFRAME') window.addedIframes++;
    }
  }).observe(document, { childList: true, subtree: true });
</script>
<div id="host"></div>
<script>
  const root = document.getElementById('host').attachShadow({ mode: 'open' });
  root.innerHTML = '<p id="inside-shadow">Inside the shadow root</p>';
</script>`;
}

async function addedIframes(page: Page): Promise<number> {
  return Number(await page.evaluate('window.addedIframes'));
}

describe('recorder footprint on the page', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('adds no iframe to an untouched page', async () => {
    let iframes = -1;
    const recorded = await recordPage(bed, '/plain.html', {}, footprintBody(), async (page) => {
      iframes = await addedIframes(page);
    });
    expect(iframes).toBe(0);
    expect(recordedIdOf(recorded.events, 'inside-shadow')).toBeGreaterThan(0);
  });

  it('still records a page with patched DOM methods', async () => {
    // A wrapper as a framework might install: not native code, so rrweb must not trust it.
    const patch = `
      const querySelector = Element.prototype.querySelector;
      Element.prototype.querySelector = function (selectors) {
        return querySelector.call(this, selectors);
      };`;
    let iframes = -1;
    const recorded = await recordPage(
      bed,
      '/patched.html',
      {},
      footprintBody(patch),
      async (page) => {
        iframes = await addedIframes(page);
      },
    );
    expect(iframes).toBeGreaterThan(0);
    expect(recordedIdOf(recorded.events, 'inside-shadow')).toBeGreaterThan(0);
  });
});
