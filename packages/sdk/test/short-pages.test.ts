import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  recordUploads,
  startTestBed,
  token,
  waitFor,
  type RecordUpload,
  type SdkTestBed,
} from './helpers.js';

const recordAll = { record_sessions_percent: 100, record_flush_interval_ms: 300 };
const metaType = 4;
const fullSnapshotType = 2;

/**
 * Builds a page that loads the script-tag build in `<head>` and starts it with `config` (plus
 * the capture server as `api_host`), as the example shop does.
 */
function scriptTagPage(bed: SdkTestBed, config: object, body: string): string {
  const options = JSON.stringify({ api_host: bed.capture.origin, ...config });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Reprise short page</title>
<script src="/sdk/reprise.js"></script>
<script>reprise.init('${token}', ${options});</script>
</head><body>${body}</body></html>`;
}

/** Returns a script that moves the page to `nextPath` `delayMs` after its `load` event. */
function leaveAfterLoad(nextPath: string, delayMs: number): string {
  return `<script>
  addEventListener('load', () => setTimeout(() => { location.href = '${nextPath}'; }, ${delayMs}));
</script>`;
}

/** Returns the index of the meta event of `href` when a full snapshot follows it, or -1. */
function snapshotIndexOf(upload: RecordUpload, href: string): number {
  return upload.events.findIndex(
    (event, index) =>
      event.type === metaType &&
      event.data.href === href &&
      upload.events[index + 1]?.type === fullSnapshotType,
  );
}

/** Checks that uploads of one seq carry the same events, and returns the seqs in order. */
function distinctSeqs(uploads: RecordUpload[]): number[] {
  const eventsBySeq = new Map<number, string>();
  for (const upload of uploads) {
    const events = JSON.stringify(upload.events);
    expect(eventsBySeq.get(upload.seq) ?? events, `copies of seq ${upload.seq}`).toBe(events);
    eventsBySeq.set(upload.seq, events);
  }
  return [...eventsBySeq.keys()].sort((a, b) => a - b);
}

describe('short pages', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(() => {
    bed.capture.requests.length = 0;
    bed.capture.setHandler(null);
  });

  // The recorder's <script> delays `load`, so recording has started when the 100 ms begin, even
  // on a busy machine. With the ES module build, the recorder arrives after `load`: 40 to 75 ms
  // after it on an idle 2-core machine with the recorder not cached, and later on a busy one.
  // "late claim moves recorded events" checks that the ES module build records at once.
  it('pages left 100 ms after load', async () => {
    const quickPaths = ['/quick-1.html', '/quick-2.html', '/quick-3.html'];
    const paths = ['/quick-0.html', ...quickPaths, '/quick-end.html'];
    bed.site.setPage(paths[0]!, scriptTagPage(bed, recordAll, '<p>first page</p>'));
    quickPaths.forEach((path, index) => {
      const body = `<p>quick page ${index + 1}</p>${leaveAfterLoad(paths[index + 2]!, 100)}`;
      bed.site.setPage(path, scriptTagPage(bed, recordAll, body));
    });
    bed.site.setPage(paths[4]!, scriptTagPage(bed, recordAll, '<p>last page</p>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}${paths[0]}`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'seq 0 of the first page');
    const replayId = recordUploads(bed.capture)[0]!.replayId;

    await page.goto(`${bed.site.origin}${quickPaths[0]}`, { waitUntil: 'commit' });
    await page.waitForURL(`**${paths[4]}`);
    const hrefs = paths.map((path) => `${bed.site.origin}${path}`);
    const snapshotUpload = (href: string) =>
      recordUploads(bed.capture).find((upload) => snapshotIndexOf(upload, href) >= 0);
    await waitFor(() => snapshotUpload(hrefs[4]!), 'the full snapshot of the last page');
    await page.close();

    const uploads = recordUploads(bed.capture);
    const snapshotSeqs = hrefs.map((href) => snapshotUpload(href)?.seq);
    for (const [index, href] of hrefs.entries()) {
      expect(snapshotSeqs[index], `seq of the full snapshot of ${href}`).toBeTypeOf('number');
    }
    for (let index = 1; index < hrefs.length; index++) {
      expect(snapshotSeqs[index]).toBeGreaterThan(snapshotSeqs[index - 1]!);
    }
    expect(new Set(uploads.map((upload) => upload.replayId))).toEqual(new Set([replayId]));
    const seqs = distinctSeqs(uploads);
    expect(seqs).toEqual(seqs.map((_seq, index) => index));
  });
});
