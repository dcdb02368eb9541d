import { record } from 'rrweb';
import type { ResolvedConfig } from '../config.js';
import type { Logger } from '../core/logger.js';
import type { RecorderHost, RecordingControl } from '../recorder-api.js';
import { createCompressor } from '../transport/compression.js';
import { createBlockTest, observeBlockedClicks } from './blocked-clicks.js';
import { observeBlockedSizes, type BlockedSizeObserver } from './blocked-sizes.js';
import { checkoutTag, EventType, isUserInput, type RrwebEvent } from './event-types.js';
import { privacySettingsOf, type PrivacySettings } from './privacy-settings.js';
import { createPrivacyRules, type PrivacyRules } from './privacy.js';
import { rrwebPrivacyOptions } from './rrweb-options.js';
import { createSanitizer } from './sanitize.js';
import { finishMutationStorms } from './storm.js';
import { Uploader } from './uploader.js';

interface CaptureContext {
  config: ResolvedConfig;
  log: Logger;
  settings: PrivacySettings;
  rules: PrivacyRules;
  emit: (event: RrwebEvent, isCheckout?: boolean) => void;
  /** Receives the blocked-size observer of each capture, before rrweb emits its snapshot. */
  setSizeObserver(observer: BlockedSizeObserver | null): void;
}

/**
 * Starts rrweb and the observers that complete it. rrweb emits a meta event and a full
 * snapshot at once. Returns the function that stops all of them.
 */
function startCapture(context: CaptureContext): () => void {
  const { config, log, settings, emit } = context;
  const sizes = observeBlockedSizes(record.mirror, emit);
  context.setSizeObserver(sizes);
  let stopRrweb: (() => void) | undefined;
  try {
    stopRrweb = record<RrwebEvent>({
      emit,
      ...rrwebPrivacyOptions(context.rules, settings.blockClass, settings.blockSelector),
      collectFonts: config.record_collect_fonts,
      recordCanvas: config.record_canvas,
      sampling: { canvas: 15 },
      checkoutEveryNms: config.record_full_snapshot_interval_ms || undefined,
      dataURLOptions: { type: 'image/webp', quality: 0.6 },
      slimDOMOptions: { comment: true },
    });
  } catch (error) {
    log.error('rrweb failed to start', error);
  }
  const blockTest = createBlockTest(settings.blockClass, settings.blockSelector);
  const stopClicks = observeBlockedClicks(blockTest, record.mirror, emit);
  return () => {
    stopRrweb?.();
    sizes.disconnect();
    context.setSizeObserver(null);
    stopClicks();
  };
}

/**
 * Starts rrweb for one replay, with the privacy rules, and uploads what it records.
 * `workerUrl` is the compression worker's script beside the recorder bundle.
 */
export function startRecording(host: RecorderHost, workerUrl?: string): RecordingControl {
  const { config, log } = host;
  const settings = privacySettingsOf(config, log);
  const rules = createPrivacyRules(settings.privacy);
  const uploader = new Uploader(host, createCompressor(workerUrl));
  const sanitize = createSanitizer(rules, record.mirror);
  let sizes: BlockedSizeObserver | null = null;

  const emit = (event: RrwebEvent, isCheckout?: boolean) => {
    if (isCheckout && event.type === EventType.Meta) {
      const data = { tag: checkoutTag, payload: {} };
      uploader.enqueue({ type: EventType.Custom, data, timestamp: event.timestamp } as RrwebEvent);
    }
    try {
      sanitize(event);
      sizes?.watch(event);
    } catch (error) {
      log.error('dropped an rrweb event that the privacy pass could not check', error);
      return;
    }
    if (isUserInput(event)) host.markActive(event.timestamp);
    uploader.enqueue(event);
  };

  const context: CaptureContext = {
    config,
    log,
    settings,
    rules,
    emit,
    setSizeObserver: (observer) => (sizes = observer),
  };
  let stopCapture: (() => void) | null = startCapture(context);
  uploader.start();

  // rrweb's stop function is not meant to run twice, and the core may stop a recording twice
  // (the user's stop, then a discard), so each capture is stopped once.
  const endCapture = () => {
    stopCapture?.();
    stopCapture = null;
  };
  let stopped = false;
  return {
    stop(discard = false) {
      stopped = true;
      endCapture();
      uploader.stop(discard);
    },
    pause() {
      endCapture();
      uploader.flush();
    },
    resume() {
      if (!stopped) stopCapture ??= startCapture(context);
    },
    unload() {
      finishMutationStorms();
      uploader.unload();
    },
    flush: () => uploader.flush(),
    prependStored: (batches) => uploader.prependStored(batches),
  };
}
