// Start and stop a recording: moderators (permission `record`), in rooms whose
// settings allow it. The manager tells everyone (`recordingChanged`). And
// anyone's choice to be left out of recordings, shown on their tile.
import { AulaError } from '../errors.js';
import { joinedHandler } from '../signalling/handler.js';

export const recordingHandlers = [
  joinedHandler('startRecording', 'record', async ({ room, services }) => {
    if (!services.recordings) throw new AulaError('forbidden', 'this server does not record');
    services.recordings.start(room);
    return {};
  }),

  joinedHandler('stopRecording', 'record', async ({ room, services }) => {
    if (!(await services.recordings?.stop(room))) throw new AulaError('not_found', 'no recording is running');
    return {};
  }),

  joinedHandler('setRecordingOptOut', 'optOutOfRecording', async ({ room, participant }, { optOut }) => {
    if (participant.recordingOptOut !== optOut) {
      room.setRecordingOptOut(participant, optOut);
      room.broadcast('peerUpdated', { peer: participant.info() });
    }
    return {};
  }),
];
