import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startReplay } from '@reprise/e2e/support';
import {
  currentReplayId,
  recordedIdOf,
  recordedIdWhere,
  recordPage,
  sdkPage,
  rrweb,
  type RecordedPage,
  type SdkTestBed,
  type SerializedNode,
  startTestBed,
  token,
  uploadsOf,
  waitFor,
  waitForQuiet,
} from './helpers.js';

// A page that adds tens of thousands of nodes in one task (a data grid re-rendering) is
// recorded in slices after that task. These tests check that the replay still ends up with
// exactly the page's content, also when the page keeps changing while the slices run.

const textUnmasked = { record_mask_all_text: false };

/** A grid whose `renderGrid(rows)` replaces its body with `rows` rows of 10 cells (21 nodes a row). */
const gridBody = `
<h1>Shipments</h1>
<table id="table"><tbody id="grid"><tr><td>empty</td></tr></tbody></table>
<script>
  let generation = 0;
  function renderGrid(rowCount) {
    generation++;
    const body = document.createElement('tbody');
    body.id = 'grid';
    for (let row = 0; row < rowCount; row++) {
      const tr = document.createElement('tr');
      tr.dataset.row = String(row);
      for (let column = 0; column < 10; column++) {
        const cell = document.createElement('td');
        cell.textContent = 'R' + row + 'C' + column + 'G' + generation;
        tr.append(cell);
      }
      body.append(tr);
    }
    document.getElementById('grid').replaceWith(body);
  }
</script>`;

/**
 * Rows of the grid as text, one string per row: the state a replay must end in. Reads the
 * page's own document when `replayed` is not given.
 */
function gridRows(replayed?: Document): string[] {
  const rows = (replayed ?? document).querySelectorAll('#grid > tr');
  return Array.from(rows, (row) =>
    [
      row.getAttribute('data-row') ?? '',
      row.getAttribute('data-state') ?? '',
      ...Array.from(row.children, (cell) => cell.textContent ?? ''),
    ].join('|'),
  );
}

/** Counts the recorded `tr` elements, in full snapshots and added nodes. */
function recordedRows(events: RecordedPage['events']): number {
  let rows = 0;
  const visit = (node: SerializedNode) => {
    if (node.tagName === 'tr') rows++;
    for (const child of node.childNodes ?? []) visit(child);
  };
  for (const event of events) {
    if (event.type === rrweb.fullSnapshot) visit(event.data.node as SerializedNode);
    for (const add of (event.data.adds ?? []) as { node: SerializedNode }[]) visit(add.node);
  }
  return rows;
}

/** Returns the number of added nodes in each recorded mutation event. */
function addsPerMutation(events: RecordedPage['events']): number[] {
  return events
    .filter((event) => event.type === rrweb.incremental && event.data.source === rrweb.mutation)
    .map((event) => ((event.data.adds ?? []) as unknown[]).length);
}

/** Waits until the uploads of the page's replay contain at least `rows` recorded rows. */
async function waitForRecordedRows(bed: SdkTestBed, page: Page, rows: number) {
  const replayId = await currentReplayId(page);
  await waitFor(
    () => {
      const events = uploadsOf(bed.capture, replayId!).flatMap((upload) => upload.events);
      return recordedRows(events) >= rows;
    },
    `${rows} recorded rows`,
    30_000,
  );
}

/** Rebuilds the recording in a blank page and returns the grid rows at its end. */
async function replayedRows(bed: SdkTestBed, recorded: RecordedPage): Promise<string[]> {
  bed.site.setPage('/replay.html', '<!doctype html><html><head></head><body></body></html>');
  const page = await bed.browser.newPage();
  try {
    await page.goto(`${bed.site.origin}/replay.html`);
    const player = await startReplay(page, recorded.events);
    await player.seekToEnd();
    return await player.read(gridRows);
  } finally {
    await page.close();
  }
}

describe('mutation storms', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  /**
   * Records a page of the grid that renders `rows` rows once it records, waits until they are
   * all sent, and returns the recording with the rows as the page showed them.
   */
  async function recordGrid(path: string, rows: number) {
    let renderedRows: string[] = [];
    const recorded = await recordPage(bed, path, textUnmasked, gridBody, async (page) => {
      await page.evaluate(
        (rows) => (window as unknown as { renderGrid(rows: number): void }).renderGrid(rows),
        rows,
      );
      renderedRows = await page.evaluate(gridRows, undefined);
      await waitForRecordedRows(bed, page, rows);
    });
    return { recorded, renderedRows };
  }

  it('grid re-render replays in full', async () => {
    const { recorded, renderedRows } = await recordGrid('/storm-grid.html', 2_000);

    expect(renderedRows).toHaveLength(2_000);
    expect(await replayedRows(bed, recorded)).toEqual(renderedRows);
  });

  it('grid re-render is sent in slices', async () => {
    const { recorded } = await recordGrid('/storm-slices.html', 3_000);
    const adds = addsPerMutation(recorded.events);
    const total = adds.reduce((sum, count) => sum + count, 0);

    // 3,000 rows of 21 nodes, and the new tbody.
    expect(total).toBeGreaterThanOrEqual(63_001);
    expect(Math.max(...adds)).toBeLessThan(total / 4);
  });

  it('small changes are sent whole', async () => {
    const { recorded } = await recordGrid('/storm-small.html', 20);
    const adds = addsPerMutation(recorded.events).filter((count) => count > 0);

    // One event adds the tbody, its 20 rows, 200 cells and their 200 texts.
    expect(adds).toContain(421);
  });

  it('node moved twice gets one remove', async () => {
    // In the same task as a storm, #moved goes from #first to #second and on to #third.
    const body = `
<div id="first"><p id="moved">Moved</p></div><div id="second"></div><div id="third"></div>
<div id="storm"></div>
<script>
  function moveDuringStorm() {
    const cells = document.createDocumentFragment();
    for (let index = 0; index < 2000; index++) cells.append(document.createElement('span'));
    document.getElementById('storm').append(cells);
    const moved = document.getElementById('moved');
    document.getElementById('second').append(moved);
    document.getElementById('third').append(moved);
  }
</script>`;
    const recorded = await recordPage(
      bed,
      '/moved-twice.html',
      textUnmasked,
      body,
      async (page) => {
        await page.evaluate('moveDuringStorm()');
        const replayId = await currentReplayId(page);
        await waitFor(() => {
          const events = uploadsOf(bed.capture, replayId!).flatMap((upload) => upload.events);
          return recordedIdWhere(events, (node) => node.tagName === 'span') > 0 || undefined;
        }, 'the storm to be recorded');
      },
    );
    const ids = ['first', 'third', 'moved'].map((id) => recordedIdOf(recorded.events, id));
    const [first, third, moved] = ids;
    const mutations = recorded.events.filter(
      (event) => event.type === rrweb.incremental && event.data.source === rrweb.mutation,
    );
    const removes = mutations
      .flatMap((event) => (event.data.removes ?? []) as { id: number; parentId: number }[])
      .filter((remove) => remove.id === moved);
    const adds = mutations
      .flatMap((event) => (event.data.adds ?? []) as { parentId: number; node: { id: number } }[])
      .filter((add) => add.node.id === moved);
    expect(removes).toEqual([{ id: moved, parentId: first }]);
    expect(adds.map((add) => add.parentId)).toEqual([third]);
  });

  it('changes during the slices replay as the page ends', async () => {
    let expected: string[] = [];
    const recorded = await recordPage(
      bed,
      '/storm-changes.html',
      textUnmasked,
      gridBody,
      async (page) => {
        await page.evaluate(() => {
          const page = window as unknown as {
            renderGrid(rows: number): void;
            changesDone?: boolean;
          };
          page.renderGrid(2_500);
          // A fixed pseudo-random sequence, so that a failure can be repeated.
          let seed = 7;
          const random = (below: number) => {
            seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
            return seed % below;
          };
          let round = 0;
          const change = () => {
            const grid = document.getElementById('grid')!;
            const rows = grid.children;
            for (let index = 0; index < 20; index++) {
              const row = rows[random(rows.length)] as HTMLElement;
              switch (random(6)) {
                case 0:
                  row.children[random(10)]!.textContent = `changed ${round}`;
                  break;
                case 1:
                  row.dataset.state = `state ${round}`;
                  break;
                case 2:
                  row.remove();
                  break;
                case 3: {
                  const added = document.createElement('tr');
                  added.dataset.row = `added ${round}-${index}`;
                  for (let column = 0; column < 10; column++) {
                    added.append(
                      Object.assign(document.createElement('td'), { textContent: `new ${column}` }),
                    );
                  }
                  grid.insertBefore(added, rows[random(rows.length)] ?? null);
                  break;
                }
                case 4:
                  grid.insertBefore(row, rows[random(rows.length)] ?? null);
                  break;
                default:
                  row.children[random(10)]!.append(document.createElement('b'), 'more text');
              }
            }
            round++;
            if (round < 60) setTimeout(change, 5);
            else page.changesDone = true;
          };
          setTimeout(change, 0);
        });
        await page.waitForFunction(
          () => (window as unknown as { changesDone?: boolean }).changesDone,
          undefined,
          {
            timeout: 30_000,
          },
        );
        expected = await page.evaluate(gridRows, undefined);
        // Slices and changes are recorded once uploads stop; leaving the page sends the rest.
        await waitForQuiet(bed.capture, (await currentReplayId(page))!, 1_500);
      },
    );

    expect(expected.length).toBeGreaterThan(2_000);
    expect(await replayedRows(bed, recorded)).toEqual(expected);
  });

  it('leaving the page sends pending slices', async () => {
    const config = { record_sessions_percent: 100, ...textUnmasked };
    bed.site.setPage('/storm-leave.html', sdkPage(bed, config, gridBody));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/storm-leave.html`);
    const replayId = await waitFor(() => currentReplayId(page), 'a replay id');
    await waitFor(() => uploadsOf(bed.capture, replayId).length > 0, 'the first upload');

    // Renders and fires pagehide in one task, after the observer callback but before any slice,
    // and collects what the SDK sends or stores for the next page during pagehide.
    const sent = await page.evaluate(async (outboxKey) => {
      const bodies: string[] = [];
      const realFetch = window.fetch;
      window.fetch = (input, init) => {
        if (typeof init?.body === 'string') bodies.push(init.body);
        return realFetch(input, init);
      };
      (window as unknown as { renderGrid(rows: number): void }).renderGrid(200);
      await Promise.resolve();
      window.dispatchEvent(new PageTransitionEvent('pagehide'));
      window.fetch = realFetch;
      const stored = JSON.parse(localStorage.getItem(outboxKey) ?? '[]') as { body: string }[];
      return [...bodies, ...stored.map((item) => item.body)];
    }, `reprise_outbox_${token}`);
    await page.close();
    const rows = sent.join('').split('"tagName":"tr"').length - 1;

    // Leaving gives the slices 100 ms, which a slow machine may not need whole.
    expect(rows).toBeGreaterThan(0);
  });

  it('masking and blocking apply inside a storm', async () => {
    const body = `
<div id="root"></div>
<script>
  function storm() {
    const list = document.createElement('div');
    for (let index = 0; index < 2_000; index++) {
      const item = document.createElement('p');
      item.textContent = 'canary-storm-text ' + index;
      list.append(item);
    }
    const secret = document.createElement('section');
    secret.className = 'mp-block';
    secret.innerHTML = '<p>canary-storm-blocked</p>'.repeat(400);
    list.append(secret);
    const field = document.createElement('input');
    field.type = 'password';
    field.value = 'canary-storm-password';
    field.setAttribute('value', 'canary-storm-password');
    list.append(field);
    document.getElementById('root').append(list);
  }
</script>`;
    const recorded = await recordPage(bed, '/storm-privacy.html', {}, body, async (page) => {
      await page.evaluate(() => (window as unknown as { storm(): void }).storm());
      await waitFor(
        async () => {
          const replayId = await currentReplayId(page);
          const events = uploadsOf(bed.capture, replayId!).flatMap((upload) => upload.events);
          return addsPerMutation(events).reduce((sum, count) => sum + count, 0) >= 4_000;
        },
        'the storm to be recorded',
        30_000,
      );
    });

    expect(recorded.bodies).not.toContain('canary-storm');
    expect(recorded.bodies).toContain('rr_width');
  });
});
