import { record } from 'rrweb';
import { defaultConfig } from '../config.js';
import type { RecorderHost, RecordingControl } from '../recorder-api.js';
import { createMainThreadCompressor } from '../transport/compression.js';
import { createBlockTest, observeBlockedClicks } from './blocked-clicks.js';
import { isUserInput, type RrwebEvent } from './event-types.js';
import { createPrivacyRules } from './privacy.js';
import { rrwebPrivacyOptions, validSelector } from './rrweb-options.js';
import { createSanitizer } from './sanitize.js';
import { Uploader } from './uploader.js';

/** Class that blocks an element whatever the value of `record_block_class`. */
const blockClassName = 'mp-block';

function blockSelectorOf(host: RecorderHost): string {
  const configured = host.config.record_block_selector;
  const valid = validSelector(configured, defaultConfig().record_block_selector);
  if (valid !== configured) host.log.error('record_block_selector is invalid; using', valid);
  return [valid, `.${blockClassName}`].filter(Boolean).join(', ');
}

/** Starts rrweb for one replay, with the privacy rules, and uploads what it records. */
export function startRecording(host: RecorderHost): RecordingControl {
  const { config, log } = host;
  const rules = createPrivacyRules({
    maskTextSelector: config.record_mask_text_selector,
    unmaskTextSelector: config.record_unmask_text_selector,
    maskInputSelector: config.record_mask_input_selector,
    unmaskInputSelector: config.record_unmask_input_selector,
  });
  const blockSelector = blockSelectorOf(host);
  const uploader = new Uploader(host, createMainThreadCompressor());
  const sanitize = createSanitizer(rules, record.mirror);

  const emit = (event: RrwebEvent) => {
    try {
      sanitize(event);
    } catch (error) {
      log.error('dropped an rrweb event that the privacy pass could not check', error);
      return;
    }
    if (isUserInput(event)) host.markActive(event.timestamp);
    uploader.enqueue(event);
  };

  let stopRrweb: (() => void) | undefined;
  try {
    stopRrweb = record<RrwebEvent>({
      emit,
      ...rrwebPrivacyOptions(rules, config.record_block_class, blockSelector),
      collectFonts: config.record_collect_fonts,
      recordCanvas: config.record_canvas,
      sampling: { canvas: 15 },
      dataURLOptions: { type: 'image/webp', quality: 0.6 },
      slimDOMOptions: { comment: true },
    });
  } catch (error) {
    log.error('rrweb failed to start', error);
  }
  const blockTest = createBlockTest(config.record_block_class, blockSelector);
  const stopClicks = observeBlockedClicks(blockTest, record.mirror, emit);
  uploader.start();

  return {
    stop(discard = false) {
      // The core may stop a recording twice (the user's stop, then a discard), and rrweb's stop
      // function is not meant to run twice.
      stopRrweb?.();
      stopRrweb = undefined;
      stopClicks();
      uploader.stop(discard);
    },
    unload: () => uploader.unload(),
    flush: () => uploader.flush(),
    prependStored: (batches) => uploader.prependStored(batches),
  };
}
