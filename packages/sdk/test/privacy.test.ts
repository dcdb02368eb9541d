import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickPrivacyTargets,
  exercisePrivacyForm,
  privacyCanaries,
  privacyFormBody,
  privacyFormClickTargets,
} from '@reprise/e2e/support';
import {
  inputEventsOf,
  recordPage,
  recordedIdOf,
  recordedIdWhere,
  rrweb,
  startTestBed,
  type RecordedPage,
  type SdkTestBed,
  type SerializedNode,
} from './helpers.js';

// The canary form records under four option sets. Every canary group is checked in each:
// absent where its masking applies, present where it does not, which shows that the page
// really put it in front of the recorder.

const configs = {
  defaults: {},
  textUnmasked: { record_mask_all_text: false },
  allUnmasked: { record_mask_all_text: false, record_mask_all_inputs: false },
  unmaskSelectors: { record_unmask_text_selector: 'html', record_unmask_input_selector: 'html' },
};
type ConfigName = keyof typeof configs;
type Group = keyof typeof privacyCanaries;

/** Groups whose canaries each option set must send; the other groups must not appear. */
const sentGroups: Record<ConfigName, Group[]> = {
  defaults: [],
  textUnmasked: ['text'],
  allUnmasked: ['text', 'input'],
  unmaskSelectors: ['text', 'input'],
};
const groups = Object.keys(privacyCanaries) as Group[];

/** Sensitive fields with what was typed into them, and hidden ones with their value. */
const sensitiveTyping: [string, string][] = [
  ['pw', 'canary-password-before' + 'canary-password-shown' + 'canary-password-after'],
  ['email', 'canary-email'],
  ['tel', 'canary-tel'],
  ['card', 'canary-card'],
  ['otp', 'canary-one-time-code'],
  ['remembered', 'canary-autocomplete-on'],
];

describe('privacy canaries', () => {
  let bed: SdkTestBed;
  const recorded = {} as Record<ConfigName, RecordedPage>;
  let clicked: Record<string, { x: number; y: number }> = {};

  beforeAll(async () => {
    bed = await startTestBed();
    for (const name of Object.keys(configs) as ConfigName[]) {
      recorded[name] = await recordPage(
        bed,
        `/privacy-${name}.html`,
        configs[name],
        privacyFormBody,
        async (page) => {
          await exercisePrivacyForm(page);
          clicked = await clickPrivacyTargets(page);
        },
      );
    }
  });

  afterAll(async () => {
    await bed?.close();
  });

  const table = (Object.keys(configs) as ConfigName[]).flatMap((name) =>
    groups.flatMap((group) =>
      privacyCanaries[group].map((canary) => [name, canary, sentGroups[name].includes(group)]),
    ),
  ) as [ConfigName, string, boolean][];

  it.each(table)('%s: %s sent is %s', (name, canary, sent) => {
    const { bodies, uploads } = recorded[name];
    expect(uploads.length).toBeGreaterThan(1);
    expect(bodies.includes(canary)).toBe(sent);
  });

  it.each(sensitiveTyping)('unmasked %s records masked input', (fieldId, typed) => {
    const { events } = recorded.unmaskSelectors;
    const inputs = inputEventsOf(events, recordedIdOf(events, fieldId));
    expect(inputs.at(-1)?.text).toBe('*'.repeat(typed.length));
  });

  it('unmasked hidden input sends masked value', () => {
    expect(recorded.unmaskSelectors.bodies).toContain('"value":"*************"');
  });

  it('masked text keeps length and spaces', () => {
    expect(recorded.defaults.bodies).toContain('"**************** *** ****"');
  });

  it('masked checkbox records no checked state', () => {
    const { events } = recorded.defaults;
    const inputs = inputEventsOf(events, recordedIdOf(events, 'check'));
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.every((input) => input.isChecked === false)).toBe(true);
  });

  it('unmasked checkbox records checked state', () => {
    const { events } = recorded.allUnmasked;
    const inputs = inputEventsOf(events, recordedIdOf(events, 'check'));
    expect(inputs.at(-1)?.isChecked).toBe(true);
  });

  it('blocked image becomes a sized box', () => {
    const image = /"tagName":"img","attributes":\{[^}]*\}/.exec(recorded.defaults.bodies)?.[0];
    expect(image).toBe('"tagName":"img","attributes":{"rr_width":"120px","rr_height":"80px"}');
  });

  /** Finds click targets in the recording; blocked elements keep only their class. */
  const clickTargetMatchers: Record<string, (node: SerializedNode) => boolean> = {
    'masked-span': (node) => node.attributes?.id === 'masked-span',
    photo: (node) => node.tagName === 'img',
    'blocked-block': (node) => node.tagName === 'div' && node.attributes?.class === 'mp-block',
  };

  it.each(privacyFormClickTargets)('click on %s recorded at its position', (targetId) => {
    const { events } = recorded.defaults;
    const id = recordedIdWhere(events, clickTargetMatchers[targetId]!);
    const clicks = events.filter(
      (event) =>
        event.type === rrweb.incremental &&
        event.data.source === rrweb.mouseInteraction &&
        event.data.type === rrweb.click &&
        event.data.id === id,
    );
    expect(id).toBeGreaterThan(0);
    expect(clicks).toHaveLength(1);
    expect(Math.abs(Number(clicks[0]!.data.x) - clicked[targetId]!.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(Number(clicks[0]!.data.y) - clicked[targetId]!.y)).toBeLessThanOrEqual(1);
  });
});
