import { describe, expect, it } from 'vitest';
import type { RrwebEvent } from './event-types.js';
import type { PrivacyRules } from './privacy.js';
import { createSanitizer, type NodeLookup } from './sanitize.js';

interface FakeNode {
  nodeType: number;
  tagName?: string;
  parentElement: FakeNode | null;
  parentNode: FakeNode | { host: FakeNode } | null;
}

function elementNode(tagName: string, parent: FakeNode | null = null): FakeNode {
  return { nodeType: 1, tagName: tagName.toUpperCase(), parentElement: parent, parentNode: parent };
}

function textNode(parent: FakeNode | null, shadowHost?: FakeNode): FakeNode {
  return {
    nodeType: 3,
    parentElement: parent,
    parentNode: shadowHost ? { host: shadowHost } : parent,
  };
}

/** Rules that mask everything except elements listed as public. */
function rulesExcept(publicElements: FakeNode[]): PrivacyRules {
  const isPublic = (element: Element | null) =>
    publicElements.includes(element as unknown as FakeNode);
  return {
    isSensitiveInput: () => false,
    shouldMaskInput: (element) => !isPublic(element),
    shouldMaskText: (element) => !isPublic(element),
  };
}

function mirrorOf(nodes: Record<number, FakeNode>): NodeLookup {
  return { getNode: (id) => (nodes[id] as unknown as Node) ?? null };
}

const body = elementNode('body');
const select = elementNode('select', body);
const option = elementNode('option', select);
const textarea = elementNode('textarea', body);
const host = elementNode('div', body);
const paragraph = elementNode('p', body);
const style = elementNode('style', body);

const nodes: Record<number, FakeNode> = {
  1: body,
  2: select,
  3: option,
  4: textNode(option),
  5: textarea,
  6: textNode(textarea),
  7: host,
  8: textNode(null, host),
  9: paragraph,
  10: textNode(paragraph),
  11: style,
  12: textNode(style),
};

function snapshotEvent(): RrwebEvent {
  const text = (id: number, textContent: string) => ({ type: 3, id, textContent });
  return {
    type: 2,
    timestamp: 1,
    data: {
      node: {
        type: 2,
        id: 1,
        tagName: 'body',
        attributes: {},
        childNodes: [
          {
            type: 2,
            id: 2,
            tagName: 'select',
            attributes: { value: 'secret-a' },
            childNodes: [
              {
                type: 2,
                id: 3,
                tagName: 'option',
                attributes: { value: 'secret-a' },
                childNodes: [text(4, 'Secret A')],
              },
            ],
          },
          {
            type: 2,
            id: 5,
            tagName: 'textarea',
            attributes: { placeholder: 'Your note' },
            childNodes: [text(6, 'my note')],
          },
          {
            type: 2,
            id: 7,
            tagName: 'div',
            attributes: { title: 'tip' },
            childNodes: [text(8, 'shadow text')],
          },
          { type: 2, id: 9, tagName: 'p', attributes: {}, childNodes: [text(10, 'left to rrweb')] },
          {
            type: 2,
            id: 11,
            tagName: 'style',
            attributes: {},
            childNodes: [text(12, 'p { color: red }')],
          },
        ],
      },
    },
  } as unknown as RrwebEvent;
}

describe('sanitizer', () => {
  it('masks snapshot values rrweb misses', () => {
    const event = snapshotEvent();
    createSanitizer(rulesExcept([]), mirrorOf(nodes))(event);
    const json = JSON.stringify(event);

    for (const secret of ['secret-a', 'Secret A', 'Your note', 'my note', 'shadow text', '"tip"']) {
      expect(json).not.toContain(secret);
    }
    expect(json).toContain('"textContent":"****** ****"');
  });

  it('leaves rrweb-masked text and styles alone', () => {
    const event = snapshotEvent();
    createSanitizer(rulesExcept([]), mirrorOf(nodes))(event);
    const json = JSON.stringify(event);

    expect(json).toContain('left to rrweb');
    expect(json).toContain('p { color: red }');
  });

  it('keeps values the rules unmask', () => {
    const event = snapshotEvent();
    createSanitizer(rulesExcept([select, option, host]), mirrorOf(nodes))(event);
    const json = JSON.stringify(event);

    expect(json).toContain('"value":"secret-a"');
    expect(json).toContain('Secret A');
    expect(json).toContain('shadow text');
  });

  it('masks mutations', () => {
    const event = {
      type: 3,
      timestamp: 1,
      data: {
        source: 0,
        adds: [
          {
            parentId: 2,
            node: {
              type: 2,
              id: 3,
              tagName: 'option',
              attributes: { value: 'added-secret' },
              childNodes: [],
            },
          },
        ],
        texts: [
          { id: 8, value: 'new shadow text' },
          { id: 10, value: 'paragraph text' },
        ],
        attributes: [
          { id: 99, attributes: { value: 'unknown-node-secret' } },
          { id: 9, attributes: { title: 'tip' } },
        ],
        removes: [],
      },
    } as unknown as RrwebEvent;
    createSanitizer(rulesExcept([]), mirrorOf(nodes))(event);
    const json = JSON.stringify(event);

    for (const secret of ['added-secret', 'new shadow text', 'unknown-node-secret', '"tip"']) {
      expect(json).not.toContain(secret);
    }
    expect(json).toContain('paragraph text');
  });

  it.each([
    ['masked', [] as FakeNode[], '******'],
    ['unmasked', [textarea], 'hello!'],
  ])('input event %s', (_case, publicElements, expected) => {
    const event = {
      type: 3,
      timestamp: 1,
      data: { source: 5, id: 5, text: 'hello!', isChecked: false },
    };
    createSanitizer(rulesExcept(publicElements), mirrorOf(nodes))(event as unknown as RrwebEvent);
    expect(event.data.text).toBe(expected);
  });
});
