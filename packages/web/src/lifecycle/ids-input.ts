import { maxDeletionRequestIds, maxIdentityLength } from '@reprise/protocol';

/** Ids read from the text field, or the problem that stops them from being sent. */
export type ParsedIds = { ids: string[]; problem: null } | { ids: string[]; problem: string };

/**
 * Reads one distinct id per line, trimming spaces around each and skipping empty lines and
 * repeats, and checks them against the server's limits so the form shows what to fix.
 */
export function parseIdList(text: string): ParsedIds {
  const ids = [...new Set(text.split(/\r?\n/).map((line) => line.trim()))].filter(Boolean);
  if (ids.length === 0) return { ids, problem: 'Enter at least one distinct id, one per line.' };
  if (ids.length > maxDeletionRequestIds) {
    return {
      ids,
      problem: `${ids.length} ids is more than ${maxDeletionRequestIds} per request; split the list.`,
    };
  }
  const tooLong = ids.findIndex((id) => id.length > maxIdentityLength);
  if (tooLong >= 0) {
    return {
      ids,
      problem: `Id ${tooLong + 1} has ${ids[tooLong]!.length} characters; ids have at most ${maxIdentityLength}.`,
    };
  }
  return { ids, problem: null };
}
