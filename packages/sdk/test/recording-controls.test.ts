import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  currentReplayId,
  leavePage,
  rrweb,
  sdkPage,
  sleep,
  startTestBed,
  uploadsOf,
  waitFor,
  waitForQuiet,
  type SdkTestBed,
} from './helpers.js';

// pause/resume and stop/start around a restricted part of a page. The page marks each phase
// in an attribute (attributes other than text are recorded as is), so the uploads show which
// phases were recorded.

const recordAll = { record_sessions_percent: 100, record_flush_interval_ms: 200 };
const body = '<div id="phase" data-phase="start">content</div>';

function call(page: Page, method: string): Promise<void> {
  return page.evaluate((method) => {
    (window as unknown as { reprise: Record<string, () => void> }).reprise[method]!();
  }, method);
}

function setPhase(page: Page, phase: string): Promise<void> {
  return page.evaluate((phase) => {
    document.getElementById('phase')!.dataset.phase = phase;
  }, phase);
}

function fullSnapshotCount(bed: SdkTestBed, replayId: string): number {
  return uploadsOf(bed.capture, replayId)
    .flatMap((upload) => upload.events)
    .filter((event) => event.type === rrweb.fullSnapshot).length;
}

function bodiesOf(bed: SdkTestBed, replayId: string): string {
  return uploadsOf(bed.capture, replayId)
    .map((upload) => upload.request.text)
    .join('\n');
}

describe('recording controls', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  async function openRecording(path: string): Promise<[Page, string]> {
    bed.site.setPage(path, sdkPage(bed, recordAll, body));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}${path}`);
    const replayId = await waitFor(() => currentReplayId(page), 'a replay id');
    await waitFor(() => fullSnapshotCount(bed, replayId) === 1, 'the first full snapshot');
    return [page, replayId];
  }

  it('pause keeps the replay id', async () => {
    const [page, replayId] = await openRecording('/pause.html');
    await setPhase(page, 'before-pause');
    await call(page, 'pause_session_recording');
    const whilePaused = await currentReplayId(page);
    await setPhase(page, 'restricted');
    await sleep(600);
    const uploadsWhilePaused = uploadsOf(bed.capture, replayId).length;
    await setPhase(page, 'still-restricted');
    await sleep(400);
    const uploadsAfterPause = uploadsOf(bed.capture, replayId).length;
    await setPhase(page, 'left');
    await call(page, 'resume_session_recording');
    await waitFor(() => fullSnapshotCount(bed, replayId) === 2, 'a full snapshot on resume');
    await setPhase(page, 'after-resume');
    await leavePage(bed, page);
    await waitForQuiet(bed.capture, replayId);
    await page.close();

    const bodies = bodiesOf(bed, replayId);
    const seqs = uploadsOf(bed.capture, replayId).map((upload) => upload.seq);
    expect(whilePaused).toBe(replayId);
    expect(uploadsAfterPause).toBe(uploadsWhilePaused);
    expect(bodies).toContain('"data-phase":"before-pause"');
    expect(bodies).not.toContain('restricted');
    expect(bodies).toContain('"data-phase":"left"');
    expect(bodies).toContain('"data-phase":"after-resume"');
    expect(seqs).toEqual(seqs.map((_seq, index) => index));
  });

  it('pause lasts across a reload', async () => {
    const [page, replayId] = await openRecording('/pause-reload.html');
    await call(page, 'pause_session_recording');
    await sleep(300);
    const recorderLoads: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('recorder')) recorderLoads.push(request.url());
    });
    await page.reload();
    await setPhase(page, 'restricted-after-reload');
    await sleep(800);
    const snapshotsWhilePaused = fullSnapshotCount(bed, replayId);
    const recorderLoadsWhilePaused = recorderLoads.length;
    const idWhilePaused = await currentReplayId(page);
    await setPhase(page, 'left');
    await call(page, 'resume_session_recording');
    await waitFor(() => fullSnapshotCount(bed, replayId) === 2, 'a full snapshot on resume');
    await page.close();

    expect(snapshotsWhilePaused).toBe(1);
    expect(recorderLoadsWhilePaused).toBe(0);
    expect(idWhilePaused).toBe(replayId);
    expect(bodiesOf(bed, replayId)).not.toContain('restricted');
    expect(bodiesOf(bed, replayId)).toContain('"data-phase":"left"');
  });

  it('stop and start around a restricted area', async () => {
    const [page, firstId] = await openRecording('/stop.html');
    await call(page, 'stop_session_recording');
    await setPhase(page, 'restricted');
    await sleep(400);
    await setPhase(page, 'left');
    await call(page, 'start_session_recording');
    const secondId = await waitFor(() => currentReplayId(page), 'the new replay id');
    await waitFor(() => fullSnapshotCount(bed, secondId) === 1, 'the new full snapshot');
    await leavePage(bed, page);
    await waitForQuiet(bed.capture, secondId);
    await page.close();

    expect(secondId).not.toBe(firstId);
    expect(bodiesOf(bed, firstId)).not.toContain('restricted');
    expect(bodiesOf(bed, secondId)).not.toContain('restricted');
    expect(uploadsOf(bed.capture, secondId)[0]!.seq).toBe(0);
  });
});
