import { describe, expect, it } from 'vitest';
import { blockedUrl, isDangerousUrl, RecordingSanitizer } from './sanitize.js';

interface TestNode {
  id: number;
  type: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: TestNode[];
  textContent?: string;
}

let nextId = 100;

function element(
  tagName: string,
  attributes: Record<string, unknown> = {},
  childNodes: TestNode[] = [],
): TestNode {
  return { id: nextId++, type: 2, tagName, attributes, childNodes };
}

function text(textContent: string): TestNode {
  return { id: nextId++, type: 3, textContent };
}

function fullSnapshot(body: TestNode[], head: TestNode[] = []) {
  const html = element('html', {}, [element('head', {}, head), element('body', {}, body)]);
  return {
    type: 2,
    timestamp: 1000,
    data: { node: { id: 1, type: 0, childNodes: [html] }, initialOffset: { top: 0, left: 0 } },
  };
}

function mutation(data: Record<string, unknown>) {
  return {
    type: 3,
    timestamp: 2000,
    data: { source: 0, adds: [], removes: [], texts: [], attributes: [], ...data },
  };
}

function sanitizeOne<T>(event: T, sanitizer = new RecordingSanitizer()): T {
  sanitizer.sanitizeEvents([event]);
  return event;
}

describe('isDangerousUrl', () => {
  const dangerous = [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    '  javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0001javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'DATA:TEXT/HTML;base64,PHNjcmlwdD4=',
    'data: text/html,<b>x</b>',
    'data:application/xhtml+xml,<x/>',
  ];
  for (const url of dangerous) {
    it(`blocks ${JSON.stringify(url)}`, () => {
      expect(isDangerousUrl(url)).toBe(true);
    });
  }

  const safe = [
    'https://example.com/page',
    '/relative/path',
    '#anchor',
    'mailto:someone@example.com',
    'data:image/png;base64,iVBORw0KGgo=',
    'data:image/svg+xml,<svg/>',
    'javascript-guide.html',
  ];
  for (const url of safe) {
    it(`keeps ${JSON.stringify(url)}`, () => {
      expect(isDangerousUrl(url)).toBe(false);
    });
  }
});

describe('full snapshot sanitizing', () => {
  it('removes event handler attributes', () => {
    const img = element('img', { src: 'x', onerror: 'alert(1)', ONLOAD: 'alert(2)' });
    const svg = element('svg', { onload: 'alert(3)', width: '10' });
    sanitizeOne(fullSnapshot([img, svg]));
    expect(img.attributes).toEqual({ src: 'x' });
    expect(svg.attributes).toEqual({ width: '10' });
  });

  it('blocks script URLs in URL attributes', () => {
    const link = element('a', { href: 'javascript:alert(1)', class: 'nav' });
    const form = element('form', { action: 'javascript:alert(2)' });
    const button = element('button', { formaction: ' JAVASCRIPT:alert(3)' });
    const use = element('a', { 'xlink:href': 'javascript:alert(4)' });
    const frame = element('iframe', { src: 'data:text/html,<script>alert(5)</script>' });
    const object = element('object', { data: 'vbscript:x' });
    sanitizeOne(fullSnapshot([link, form, button, use, frame, object]));
    expect(link.attributes).toEqual({ href: blockedUrl, class: 'nav' });
    expect(form.attributes?.action).toBe(blockedUrl);
    expect(button.attributes?.formaction).toBe(blockedUrl);
    expect(use.attributes?.['xlink:href']).toBe(blockedUrl);
    expect(frame.attributes?.src).toBe(blockedUrl);
    expect(object.attributes?.data).toBe(blockedUrl);
  });

  it('keeps ordinary URLs and attributes', () => {
    const attributes = {
      href: 'https://example.com/a?b=c',
      src: '/logo.png',
      alt: 'javascript:alert(1)',
      title: 'on sale',
      'data-state': 'open',
    };
    const link = element('a', { ...attributes });
    sanitizeOne(fullSnapshot([link]));
    expect(link.attributes).toEqual(attributes);
  });

  it('removes srcdoc', () => {
    const frame = element('iframe', { srcdoc: '<script>parent.alert(1)</script>', width: '300' });
    sanitizeOne(fullSnapshot([frame]));
    expect(frame.attributes).toEqual({ width: '300' });
  });

  it('strips meta refresh', () => {
    const refresh = element('meta', { 'http-equiv': ' Refresh ', content: '0;url=https://x.test' });
    const charset = element('meta', { charset: 'utf-8' });
    const snapshot = sanitizeOne(fullSnapshot([], [refresh, charset]));
    expect(refresh.attributes?.['http-equiv']).toBeUndefined();
    expect(charset.attributes).toEqual({ charset: 'utf-8' });
    expect(JSON.stringify(snapshot)).toContain(`"id":${refresh.id}`);
  });

  it('empties script text', () => {
    const code = text('parent.document.cookie');
    const script = element('script', { src: '/app.js' }, [code]);
    sanitizeOne(fullSnapshot([], [script]));
    expect(code.textContent).toBe('');
    expect(script.childNodes).toHaveLength(1);
  });

  it('keeps text outside scripts', () => {
    const words = text('Hello world');
    const style = element('style', {}, [text('body { color: red }')]);
    sanitizeOne(fullSnapshot([element('p', {}, [words]), style]));
    expect(words.textContent).toBe('Hello world');
    expect(style.childNodes?.[0]?.textContent).toBe('body { color: red }');
  });

  it('removes SVG animation of href', () => {
    const set = element('set', { attributeName: 'href', to: 'javascript:alert(1)' });
    const animate = element('animate', { attributeName: 'xlink:href', values: 'javascript:x' });
    const fade = element('animate', { attributeName: 'opacity', values: '0;1' });
    sanitizeOne(fullSnapshot([element('svg', {}, [set, animate, fade])]));
    expect(set.attributes?.attributeName).toBeUndefined();
    expect(animate.attributes?.attributeName).toBeUndefined();
    expect(fade.attributes?.attributeName).toBe('opacity');
  });

  it('sanitizes nested iframe documents', () => {
    const inner = element('img', { onerror: 'alert(1)' });
    const frame = element('iframe', {}, [
      { id: nextId++, type: 0, childNodes: [element('html', {}, [inner])] },
    ]);
    sanitizeOne(fullSnapshot([frame]));
    expect(inner.attributes).toEqual({});
  });

  it('survives deep nesting', () => {
    const root = element('div');
    let current = root;
    for (let depth = 0; depth < 200_000; depth++) {
      const child = element('div', { onclick: 'x' });
      current.childNodes = [child];
      current = child;
    }
    sanitizeOne(fullSnapshot([root]));
    expect(current.attributes).toEqual({});
  });

  it('ignores malformed nodes', () => {
    const events: unknown[] = [
      null,
      42,
      { type: 2 },
      { type: 2, data: { node: 'html' } },
      { type: 2, data: { node: { type: 2, tagName: 7, attributes: [], childNodes: {} } } },
      { type: 3, data: { source: 0, adds: 'x', attributes: [null], texts: [5] } },
    ];
    expect(() => new RecordingSanitizer().sanitizeEvents(events)).not.toThrow();
  });

  it('counts changes', () => {
    const sanitizer = new RecordingSanitizer();
    sanitizeOne(fullSnapshot([element('img', { onerror: 'x', src: 'javascript:y' })]), sanitizer);
    expect(sanitizer.changeCount).toBe(2);
  });
});

describe('mutation sanitizing', () => {
  it('sanitizes added nodes', () => {
    const img = element('img', { onerror: 'alert(1)', src: 'x' });
    const link = element('a', { href: 'javascript:alert(2)' });
    sanitizeOne(
      mutation({
        adds: [
          { parentId: 5, nextId: null, node: img },
          { parentId: 5, nextId: null, node: link },
        ],
      }),
    );
    expect(img.attributes).toEqual({ src: 'x' });
    expect(link.attributes?.href).toBe(blockedUrl);
  });

  it('turns dangerous attribute changes into removals', () => {
    const event = sanitizeOne(
      mutation({
        attributes: [
          { id: 7, attributes: { onclick: 'alert(1)', class: 'active' } },
          { id: 8, attributes: { href: 'javascript:alert(2)' } },
          { id: 9, attributes: { srcdoc: '<script>x</script>' } },
          { id: 10, attributes: { 'http-equiv': 'refresh' } },
          { id: 11, attributes: { onclick: null, style: { color: 'red' } } },
        ],
      }),
    );
    const changes = event.data.attributes as Array<{ attributes: Record<string, unknown> }>;
    expect(changes[0]?.attributes).toEqual({ onclick: null, class: 'active' });
    expect(changes[1]?.attributes).toEqual({ href: blockedUrl });
    expect(changes[2]?.attributes).toEqual({ srcdoc: null });
    expect(changes[3]?.attributes).toEqual({ 'http-equiv': null });
    expect(changes[4]?.attributes).toEqual({ onclick: null, style: { color: 'red' } });
  });

  it('empties text added to a known script', () => {
    const sanitizer = new RecordingSanitizer();
    const script = element('script');
    sanitizeOne(mutation({ adds: [{ parentId: 5, nextId: null, node: script }] }), sanitizer);
    const code = text('alert(1)');
    sanitizeOne(mutation({ adds: [{ parentId: script.id, nextId: null, node: code }] }), sanitizer);
    expect(code.textContent).toBe('');
  });

  it('empties text changes of script text', () => {
    const sanitizer = new RecordingSanitizer();
    const code = text('');
    sanitizeOne(fullSnapshot([], [element('script', {}, [code])]), sanitizer);
    const event = sanitizeOne(
      mutation({
        texts: [
          { id: code.id, value: 'alert(1)' },
          { id: 4, value: 'visible text' },
        ],
      }),
      sanitizer,
    );
    const texts = event.data.texts as Array<{ value: string }>;
    expect(texts[0]?.value).toBe('');
    expect(texts[1]?.value).toBe('visible text');
  });

  it('leaves other incremental events alone', () => {
    const scroll = { type: 3, timestamp: 5, data: { source: 3, id: 1, x: 0, y: 10 } };
    const copy = structuredClone(scroll);
    sanitizeOne(scroll);
    expect(scroll).toEqual(copy);
  });
});
