import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  logIn,
  openReplay,
  pausePlayer,
  startCaptureServer,
  type CaptureServer,
} from './support/index.js';

// rrweb-snapshot node types and incremental sources, as recorded by rrweb 2.x.
const node = { document: 0, documentType: 1, element: 2, text: 3 };
const source = { mutation: 0, mouseInteraction: 2 };
const click = 2;

let server: TestServer;
let sentinel: CaptureServer;
let browser: Browser;
const replayId = randomUUID();

function element(
  id: number,
  tagName: string,
  attributes: Record<string, string>,
  childNodes: unknown[] = [],
) {
  return { type: node.element, id, tagName, attributes, childNodes };
}

function text(id: number, textContent: string) {
  return { type: node.text, id, textContent };
}

/**
 * A recording whose page tries every way to run script or navigate: inline handlers, a
 * javascript: link that the replay clicks, an iframe srcdoc with a script, a script element,
 * a meta refresh, and the same added later by mutations. Every payload reports to
 * `parent.__sentinel`, which exists on the player's page.
 */
function hostileEvents(sentinelOrigin: string) {
  const call = (label: string) => `parent.__sentinel('${label}');top.__sentinel('${label}')`;
  const start = Date.now() - 60_000;
  const html = element(3, 'html', {}, [
    element(4, 'head', {}, [
      element(5, 'meta', {
        'http-equiv': 'refresh',
        content: `0;url=${sentinelOrigin}/navigated-by-meta`,
      }),
    ]),
    element(6, 'body', { onload: call('body onload') }, [
      element(7, 'img', { src: 'missing.png', onerror: call('img onerror') }),
      element(8, 'svg', { onload: call('svg onload') }),
      element(9, 'a', { id: 'link', href: `javascript:${call('javascript url')}` }, [
        text(10, 'click me'),
      ]),
      element(11, 'iframe', {
        srcdoc: `<script>${call('srcdoc').replace(/parent/g, 'parent.parent')}</script>`,
      }),
      element(12, 'script', {}, [text(13, call('script element'))]),
      element(14, 'p', { id: 'marker' }, [text(15, 'hostile page')]),
      element(16, 'form', { action: `javascript:${call('form action')}` }, [
        element(17, 'button', { type: 'submit', formaction: `javascript:${call('formaction')}` }, [
          text(18, 'send'),
        ]),
      ]),
      element(19, 'a', { href: `${sentinelOrigin}/navigated-by-link`, target: '_top' }, [
        text(20, 'top link'),
      ]),
    ]),
  ]);
  const snapshot = {
    type: node.document,
    id: 1,
    childNodes: [
      { type: node.documentType, id: 2, name: 'html', publicId: '', systemId: '' },
      html,
    ],
  };

  return [
    {
      type: 4,
      timestamp: start,
      data: { href: 'https://hostile.example/', width: 800, height: 600 },
    },
    { type: 2, timestamp: start + 1, data: { node: snapshot, initialOffset: { left: 0, top: 0 } } },
    {
      type: 3,
      timestamp: start + 1000,
      data: { source: source.mouseInteraction, type: click, id: 9, x: 5, y: 5 },
    },
    {
      type: 3,
      timestamp: start + 1200,
      data: { source: source.mouseInteraction, type: click, id: 17, x: 5, y: 5 },
    },
    {
      type: 3,
      timestamp: start + 1400,
      data: { source: source.mouseInteraction, type: click, id: 19, x: 5, y: 5 },
    },
    {
      type: 3,
      timestamp: start + 2000,
      data: {
        source: source.mutation,
        texts: [],
        removes: [],
        attributes: [
          { id: 14, attributes: { onclick: call('attribute onclick'), style: 'color: red' } },
          { id: 7, attributes: { src: 'still-missing.png' } },
        ],
        adds: [
          {
            parentId: 6,
            nextId: null,
            node: element(30, 'img', {
              src: 'also-missing.png',
              onerror: call('added img onerror'),
            }),
          },
          {
            parentId: 6,
            nextId: null,
            node: element(31, 'iframe', { srcdoc: `<script>${call('added srcdoc')}</script>` }),
          },
          {
            parentId: 4,
            nextId: null,
            node: element(32, 'meta', {
              'http-equiv': 'refresh',
              content: `0;url=${sentinelOrigin}/navigated-by-added-meta`,
            }),
          },
        ],
      },
    },
    {
      type: 3,
      timestamp: start + 2500,
      data: { source: source.mouseInteraction, type: click, id: 14, x: 5, y: 5 },
    },
    {
      type: 3,
      timestamp: start + 4000,
      data: { source: source.mouseInteraction, type: click, id: 9, x: 5, y: 5 },
    },
  ];
}

beforeAll(async () => {
  server = await startTestServer();
  sentinel = await startCaptureServer();
  browser = await launchChromium();

  const body = gzipSync(JSON.stringify(hostileEvents(sentinel.origin)));
  const response = await server.request(`/record/?replay_id=${replayId}&seq=0&format=gzip`, {
    method: 'POST',
    headers: {
      Authorization: server.recordAuthorization,
      'Content-Type': 'application/octet-stream',
    },
    body,
  });
  expect(response.status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await sentinel?.close();
  await server?.close();
});

describe('hostile recording', () => {
  let page: Page;
  const navigations: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(() => {
      const calls: string[] = [];
      Object.defineProperty(window, '__sentinelCalls', { value: calls });
      Object.defineProperty(window, '__sentinel', { value: (label: string) => calls.push(label) });
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await logIn(page, server.url, server.adminEmail, server.adminPassword);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
  });

  it('plays and seeks without running script', async () => {
    const frame = await openReplay(page, `${server.url}/replays/${replayId}?t=0`);
    await page.getByTestId('player-speed').selectOption('8');
    await page.locator('[data-testid=player-play][data-state=paused]').waitFor({ timeout: 30_000 });

    const timeline = page.getByTestId('player-timeline');
    const bounds = await timeline.boundingBox();
    if (!bounds) throw new Error('The timeline is not visible');
    for (const fraction of [0, 0.5, 1, 0.1, 0.9]) {
      await page.mouse.click(bounds.x + bounds.width * fraction, bounds.y + bounds.height / 2);
      await page.waitForTimeout(300);
    }
    await page.getByTestId('player-play').click();
    await page.waitForTimeout(1500);
    await pausePlayer(page);

    expect(await frame.locator('#marker').count()).toBe(1);
    expect(
      await page.evaluate(
        () => (window as unknown as { __sentinelCalls: string[] }).__sentinelCalls,
      ),
    ).toEqual([]);
  });

  it('never navigates the player page', () => {
    const playerUrls = navigations.filter((url) => !url.startsWith(server.url));
    expect(playerUrls).toEqual([]);
    const sentinelHits = sentinel.requests.map((request) => request.url.pathname);
    expect(sentinelHits.filter((path) => path.startsWith('/navigated'))).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('sandboxes the replay without scripts', async () => {
    const sandbox = await page.locator('[data-testid=player-frame] iframe').getAttribute('sandbox');
    expect(sandbox?.split(/\s+/).sort()).toEqual(['allow-same-origin']);
    const response = await server.request(`/replays/${replayId}`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
