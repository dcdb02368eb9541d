import type { Page } from 'playwright-core';
import { isRecordingUpload, type IngestRequest, type IngestServer } from './ingest-server.js';
import type { BenchSdk } from './sdks.js';

/** Waits until `sdk` records in `page` (always true at once without an SDK). */
export async function waitUntilRecording(page: Page, sdk: BenchSdk, timeoutMs = 20_000) {
  await page.waitForFunction(sdk.recordingCheck, undefined, { timeout: timeoutMs, polling: 50 });
}

/**
 * Moves the pointer across the page, as a visitor does. posthog-js sends no recording before
 * the first user input, so every run makes one before it measures.
 */
export async function moveThePointer(page: Page): Promise<void> {
  await page.mouse.move(100, 100);
  await page.mouse.move(300, 200, { steps: 5 });
}

/**
 * Waits for the first recording upload that reaches `ingest` at `sinceMs` (Unix ms) or later,
 * then `afterMs` more for the SDK to handle the reply. Returns the upload, or null when none
 * came within `timeoutMs`.
 */
export async function waitForUpload(
  ingest: IngestServer,
  sinceMs: number,
  { timeoutMs, afterMs = 300 }: { timeoutMs: number; afterMs?: number },
): Promise<IngestRequest | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const upload = ingest.requests.find(
      (request) => isRecordingUpload(request) && request.receivedAt >= sinceMs,
    );
    if (upload) {
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      return upload;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

/**
 * Waits for the first recording upload at `sinceMs` (Unix ms) or later, like `waitForUpload`,
 * then for as long as more uploads follow within `quietMs` of the one before. An SDK that
 * splits a large recording into several uploads sends them back to back, so the wait covers
 * all of them. Returns the number of uploads, or 0 when none came within `timeoutMs`.
 */
export async function waitForUploadBurst(
  ingest: IngestServer,
  sinceMs: number,
  { timeoutMs, quietMs = 1_000 }: { timeoutMs: number; quietMs?: number },
): Promise<number> {
  const first = await waitForUpload(ingest, sinceMs, { timeoutMs, afterMs: 0 });
  if (!first) return 0;
  const uploadsSince = () =>
    ingest.requests.filter(
      (request) => isRecordingUpload(request) && request.receivedAt >= sinceMs,
    );
  for (;;) {
    const uploads = uploadsSince();
    const lastMs = Math.max(...uploads.map((request) => request.receivedAt));
    if (Date.now() - lastMs >= quietMs) return uploads.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Recording uploads and their body bytes between two times (Unix ms). */
export function uploadsBetween(ingest: IngestServer, fromMs: number, toMs: number) {
  const uploads = ingest.requests.filter(
    (request) =>
      isRecordingUpload(request) && request.receivedAt >= fromMs && request.receivedAt <= toMs,
  );
  return {
    uploads: uploads.length,
    uploadBytes: uploads.reduce((sum, request) => sum + request.bodyBytes, 0),
  };
}
