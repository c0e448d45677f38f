// Every feature's handlers, registered with the dispatcher in server.ts.
// A new classroom feature is a new file here plus one line below.
import type { Handler } from '../signalling/handler.js';
import { chatHandlers } from './chat.js';
import { handHandlers } from './hands.js';
import { lobbyHandlers } from './lobby.js';
import { mediaHandlers } from './media.js';
import { classroomModerationHandlers, moderationHandlers } from './moderation.js';
import { profileHandlers } from './profile.js';
import { recordingHandlers } from './recording.js';
import { breakoutHandlers } from './breakout.js';
import { pollHandlers } from './polls.js';
import { presentationHandlers } from './presentation.js';
import { sessionHandlers } from './session.js';
import { spotlightHandlers } from './spotlight.js';

export const allHandlers: Handler[] = [
  ...sessionHandlers,
  ...profileHandlers,
  ...lobbyHandlers,
  ...moderationHandlers,
  ...classroomModerationHandlers,
  ...chatHandlers,
  ...handHandlers,
  ...mediaHandlers,
  ...recordingHandlers,
  ...pollHandlers,
  ...breakoutHandlers,
  ...presentationHandlers,
  ...spotlightHandlers,
] as Handler[];
