import type { RecorderModule } from './recorder-api.js';
import { startRecording } from './recorder/recording.js';
import { recorderGlobalName } from './script-loader.js';

// Entry of `reprise-recorder.js`: hands the recorder to the script-tag core that loaded it.
(window as unknown as Record<string, RecorderModule>)[recorderGlobalName] = { startRecording };
