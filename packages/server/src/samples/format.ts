import type { RrwebEvent } from '@reprise/protocol';

/**
 * A sample file: replays with their analytics events and profiles, as recorded from the example
 * shop by a scripted browser. Stored gzip-compressed as `<name>.json.gz`.
 */
export interface SampleFile {
  format: 'reprise-sample';
  version: 1;
  replays: SampleReplay[];
  /** Analytics events in the `/track/` wire format, without the project token. */
  events: Array<{ event: string; properties: Record<string, unknown> }>;
  profiles: Array<{ distinctId: string; properties: Record<string, unknown> }>;
}

export interface SampleReplay {
  id: string;
  browser: string | null;
  os: string | null;
  chunks: SampleChunk[];
}

export interface SampleChunk {
  seq: number;
  distinctId: string | null;
  deviceId: string | null;
  userId: string | null;
  currentUrl: string | null;
  events: RrwebEvent[];
}

export const sampleFormat = 'reprise-sample';
