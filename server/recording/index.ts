// The recording layer: recordings of rooms (captured anonymised, sealed at
// rest), their composition and their retention.
import type express from 'express';
import type { Config } from '../config/config.js';
import { recordingsRouter } from '../http/recordings-api.js';
import type { Layer } from '../lifecycle.js';
import type { Logger } from '../log.js';
import type { PrivacyLayer } from '../privacy/index.js';
import type { RoomRegistry } from '../rooms/registry.js';
import { RecordingManager } from './manager.js';

export interface RecordingLayer extends Layer {
  recordings: RecordingManager;
  adminRoute: express.Router;
}

export function createRecording(config: Config, dataDir: string, privacy: PrivacyLayer, rooms: RoomRegistry, log: Logger): RecordingLayer {
  const { width, height, fps } = config.recording;
  const recordings = new RecordingManager(dataDir, config.recording.retentionDays, config.recording.ffmpeg, log, {
    // Recording keys are wrapped like the ledger's meeting keys, by the same master key.
    masterKey: privacy.recordingKey,
    composition: { width, height, fps },
    countdownSeconds: config.recording.countdownSeconds,
  });
  const { audit } = privacy;
  privacy.retention.register('recordings', (now) =>
    recordings.purge(now, (id) => audit.append({ type: 'recording.purged', operator: 'retention', recordingId: id }, now)),
  );
  recordings.recover();
  rooms.observe(recordings);
  return {
    recordings,
    adminRoute: recordingsRouter(recordings, audit),
    async drain() {
      // Before the rooms close: every capture finishes its file.
      await recordings.close().catch((err) => log.error({ err: (err as Error).message }, 'recording: stopping failed'));
      recordings.composer.close();
    },
  };
}
