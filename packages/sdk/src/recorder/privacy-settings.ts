import { defaultBlockSelector, type ResolvedConfig } from '../config.js';
import type { Logger } from '../core/logger.js';
import { isValidSelector, type PrivacyOptions } from './privacy.js';

/** Class that blocks an element whatever the value of `record_block_class`. */
export const alwaysBlockClass = 'mp-block';

/** The masking and blocking options as the recorder applies them. */
export interface PrivacySettings {
  privacy: PrivacyOptions;
  blockClass: string | RegExp;
  /** `record_block_selector` (or its default when invalid) and `.mp-block`. */
  blockSelector: string;
}

/**
 * Returns the mask selector and mask-all flag to apply. `"*"` is the same as mask-all, and
 * `resolveConfig` has already turned mask-all on for it, so the selector is dropped. If it were
 * kept, it would match every element, and the nearest match would always be a mask. An invalid
 * mask selector masks everything instead of nothing.
 */
function maskSetting(option: string, selector: string, maskAll: boolean, log: Logger) {
  if (selector === '*') return { maskAll: true, selector: '' };
  if (isValidSelector(selector)) return { maskAll, selector };
  log.error(`${option} is not a valid CSS selector, so all is masked:`, selector);
  return { maskAll: true, selector: '' };
}

/** Returns the unmask selector to apply: an invalid one unmasks nothing. */
function unmaskSetting(option: string, selector: string, log: Logger): string {
  if (isValidSelector(selector)) return selector;
  log.error(`${option} is not a valid CSS selector and is ignored:`, selector);
  return '';
}

function blockSelectorOf(config: ResolvedConfig, log: Logger): string {
  let selector = config.record_block_selector;
  if (!isValidSelector(selector)) {
    selector = defaultBlockSelector;
    log.error('record_block_selector is not a valid CSS selector, so it is replaced by', selector);
  }
  return [selector, `.${alwaysBlockClass}`].filter(Boolean).join(', ');
}

/** Reads the masking and blocking options, replacing invalid selectors as documented above. */
export function privacySettingsOf(config: ResolvedConfig, log: Logger): PrivacySettings {
  const text = maskSetting(
    'record_mask_text_selector',
    config.record_mask_text_selector,
    config.record_mask_all_text,
    log,
  );
  const inputs = maskSetting(
    'record_mask_input_selector',
    config.record_mask_input_selector,
    config.record_mask_all_inputs,
    log,
  );
  return {
    privacy: {
      maskAllText: text.maskAll,
      maskTextSelector: text.selector,
      unmaskTextSelector: unmaskSetting(
        'record_unmask_text_selector',
        config.record_unmask_text_selector,
        log,
      ),
      maskAllInputs: inputs.maskAll,
      maskInputSelector: inputs.selector,
      unmaskInputSelector: unmaskSetting(
        'record_unmask_input_selector',
        config.record_unmask_input_selector,
        log,
      ),
    },
    blockClass: config.record_block_class,
    blockSelector: blockSelectorOf(config, log),
  };
}
