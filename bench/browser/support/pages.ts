import type { BenchSdk } from './sdks.js';

/** Project token that benchmark pages pass to `init`; the ingestion server accepts any. */
export const benchToken = 'bench-token';

/**
 * Returns the `<script>` tags that load `sdk` and call `init(token, config)` with recording on
 * for every session. The script comes from `scriptUrl`, by default the benchmark site's copy.
 */
export function sdkTags(
  sdk: BenchSdk,
  { apiHost, scriptUrl = sdk.scriptPath, token = benchToken }: SdkTagOptions,
): string {
  const config = { api_host: apiHost, record_sessions_percent: 100 };
  return `<script src="${scriptUrl}"></script>
<script>reprise.init(${JSON.stringify(token)}, ${JSON.stringify(config)});</script>`;
}

export interface SdkTagOptions {
  /** Origin the SDK sends to. */
  apiHost: string;
  scriptUrl?: string;
  /** Project token; the ingestion server accepts any, a Reprise server only its own. */
  token?: string;
}

/**
 * Builds a page with `head` (the SDK's tags, or nothing) and `body`. `countNodes()` in the
 * page returns the number of elements and text nodes in the document.
 */
function page(title: string, head: string, style: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="icon" href="data:,">
<style>body { font: 14px/1.4 sans-serif; margin: 16px; } ${style}</style>
${head}
</head><body>
${body}
<script>
  function countNodes() {
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    let count = 1;
    while (walker.nextNode()) count++;
    return count;
  }
</script>
</body></html>`;
}

/** An empty page of the benchmark site, loaded first so the renderer process exists. */
export const blankPage = page('Blank', '', '', '<p>Blank</p>');

/**
 * Builds a data grid that `renderGrid(rows)` rebuilds from scratch with new values, as a table
 * component does after a new query. Each row has 20 nodes (a `tr` and 10 cells, 9 of them with
 * text). It loads with 500 rows: 10,000 nodes.
 */
export function gridPage(head: string): string {
  const row = (index: number) =>
    `<tr>${Array.from({ length: 9 }, (_, column) => `<td>R${index}C${column}G0</td>`).join('')}<td></td></tr>`;
  const rows = Array.from({ length: 500 }, (_, index) => row(index)).join('');
  return page(
    'Data grid',
    head,
    'td { padding: 1px 4px; border-bottom: 1px solid #ddd; }',
    `<h1>Shipments</h1><table><tbody id="grid">${rows}</tbody></table>
<script>
  let generation = 0;
  function renderGrid(rowCount) {
    generation++;
    const body = document.createElement('tbody');
    body.id = 'grid';
    for (let row = 0; row < rowCount; row++) {
      const tr = document.createElement('tr');
      for (let column = 0; column < 10; column++) {
        const cell = document.createElement('td');
        if (column < 9) cell.textContent = 'R' + row + 'C' + column + 'G' + generation;
        tr.append(cell);
      }
      body.append(tr);
    }
    document.getElementById('grid').replaceWith(body);
    return rowCount * 20;
  }
</script>`,
  );
}

/**
 * Builds a dashboard of 5,000 cells whose text `runTimer(ms)` changes on every animation frame
 * (a `characterData` mutation of each cell's text node). `runTimer` resolves to the number of
 * frames drawn.
 */
export function timerPage(head: string): string {
  const cells = Array.from({ length: 5000 }, (_, index) => `<span>${index % 100}</span>`).join(' ');
  return page(
    'Timer',
    head,
    // Cells as plain inline text: the cheapest layout for the page itself. A CSS grid of
    // 5,000 items took several times longer to lay out and paint in each frame.
    '#cells { font-size: 10px; word-spacing: 4px; }',
    `<h1>Live counters</h1><div id="cells">${cells}</div>
<script>
  function runTimer(durationMs) {
    const texts = Array.from(document.querySelectorAll('#cells span'), (cell) => cell.firstChild);
    return new Promise((resolve) => {
      const started = performance.now();
      let frames = 0;
      function frame(now) {
        frames++;
        for (let index = 0; index < texts.length; index++) texts[index].data = String((index + frames) % 100);
        if (now - started < durationMs) requestAnimationFrame(frame);
        else resolve(frames);
      }
      requestAnimationFrame(frame);
    });
  }
</script>`,
  );
}

/**
 * Builds a feedback form above a long article: a textarea, then 400 sections of a heading and
 * two paragraphs (about 2,800 nodes, 65,000 px tall in a 1280 px wide window).
 */
export function formPage(head: string): string {
  const sentence = 'The quick brown fox jumps over the lazy dog near the riverbank at dawn. ';
  const sections = Array.from(
    { length: 400 },
    (_, index) =>
      `<section><h2>Section ${index}</h2><p>${sentence.repeat(4)}</p><p>${sentence.repeat(3)}</p></section>`,
  ).join('');
  return page(
    'Feedback and article',
    head,
    'textarea { width: 600px; height: 120px; } section { margin-bottom: 24px; }',
    `<h1>Feedback</h1><label for="message">Message</label><br>
<textarea id="message"></textarea><article>${sections}</article>`,
  );
}

/**
 * Builds a page that `startRepeating()` keeps busy until the page closes: every 500 ms it rebuilds a
 * list of 100 rows (1,000 nodes) and changes a status text, so a recorder keeps recording
 * mutations. `repeatCount()` returns the number of rounds so far.
 */
export function repeatingPage(head: string): string {
  return page(
    'Repeating',
    head,
    '.row { display: flex; gap: 8px; }',
    `<h1>Activity</h1><p id="status">Idle</p><div id="list"></div>
<script>
  let rounds = 0;
  function renderRound() {
    rounds++;
    const list = document.createElement('div');
    list.id = 'list';
    for (let index = 0; index < 100; index++) {
      const row = document.createElement('div');
      row.className = 'row';
      for (const text of ['Customer ' + index, 'Order ' + (rounds * 100 + index), 'Round ' + rounds]) {
        const cell = document.createElement('span');
        cell.textContent = text;
        row.append(cell);
      }
      const link = document.createElement('a');
      link.href = '#row-' + index;
      link.textContent = 'Open';
      row.append(link, document.createElement('i'));
      list.append(row);
    }
    document.getElementById('list').replaceWith(list);
    document.getElementById('status').textContent = 'Round ' + rounds;
  }
  function startRepeating() { setInterval(renderRound, 500); }
  function repeatCount() { return rounds; }
</script>`,
  );
}

/**
 * Builds a page with one button. Each click changes the visible text below it and sets
 * `data-action="<n>"` on that text's element, n counting from 1, in the same task. Text is
 * masked in recordings but attributes are not, so `"data-action":"<n>"` finds the click's
 * change in stored events. `actionTimes[n]` is the click's time (Unix ms, from `Date.now()`).
 */
export function actionPage(head: string): string {
  return page(
    'Actions',
    head,
    'button { font-size: 18px; padding: 8px 16px; }',
    `<h1>Counter</h1><button id="action">Count</button><p id="status">Not clicked yet</p>
<script>
  const actionTimes = [];
  let clicks = 0;
  document.getElementById('action').addEventListener('click', () => {
    clicks++;
    actionTimes[clicks] = Date.now();
    const status = document.getElementById('status');
    status.textContent = 'Clicked ' + clicks + (clicks === 1 ? ' time' : ' times');
    status.dataset.action = String(clicks);
  });
</script>`,
  );
}
