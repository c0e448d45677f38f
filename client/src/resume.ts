// Taking a participation over on a new connection after the old one dropped:
// retry with back-off until the server is reachable, then `resume` once.
import type { JoinedData } from '../../shared/protocol.js';
import { RequestError, type Signalling } from './signalling.js';

export async function resumeSession(signalling: Signalling, roomId: string, resume: JoinedData['resume'], gaveUp: () => boolean): Promise<boolean | 'moved'> {
  const deadline = Date.now() + resume.graceSeconds * 1000;
  for (let attempt = 0; Date.now() < deadline && !gaveUp(); attempt++) {
    await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 2000)));
    try {
      await signalling.reconnect();
    } catch {
      continue; // the server is not reachable yet
    }
    try {
      await signalling.request('resume', { roomId, token: resume.token });
      return true;
    } catch (err) {
      // Several nodes: the room now runs on another node, which never knew this participation.
      if (err instanceof RequestError && err.info.code === 'room_moved') return 'moved';
      return false; // the participation has ended (or the server restarted)
    }
  }
  return false;
}
