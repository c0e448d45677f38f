// Info-level logs hold counts, not a per-participant join/leave timeline:
// participant ids appear at debug level only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
const lines: Array<Record<string, unknown>> = [];
const INFO = 30;
const DEBUG = 20;

beforeAll(async () => {
  server = await startTestServer({ signalling: { resumeGraceSeconds: 1 } }, { logSink: (l) => lines.push(JSON.parse(l)) });
});
afterAll(() => server.close());

describe('presence in the logs', () => {
  it('says how many are in the room at info level, and who only at debug level', async () => {
    const room = await server.rooms.create({ title: 'Logs' });
    const token = await tokenFor(server, room, 'participant');
    const a = await TestClient.connect(server.url);
    const b = await TestClient.connect(server.url);
    a.replyTimeoutMs = b.replyTimeoutMs = 30_000;
    const peers = [(await a.enter(room.id, token, 'A')).data.self.id, (await b.enter(room.id, token, 'B')).data.self.id];
    await a.request('leave');
    b.socket.terminate(); // dropped: held for resume, then gone
    await waitFor(() => lines.some((l) => l.msg === 'participant left' && l.why), 30_000, 'the dropped participant left');
    await a.close();

    const presence = lines.filter((l) => typeof l.msg === 'string' && /^participant /.test(l.msg));
    const info = presence.filter((l) => l.level === INFO);
    expect(info.map((l) => l.msg)).toEqual(expect.arrayContaining(['participant joined', 'participant left', 'participant disconnected; waiting for resume']));
    for (const l of info) {
      expect(l).not.toHaveProperty('peer');
      expect(l.participants).toBeTypeOf('number');
    }
    expect(info.find((l) => l.msg === 'participant joined' && l.participants === 2)).toBeDefined();
    const infoText = JSON.stringify(lines.filter((l) => (l.level as number) >= INFO));
    for (const id of peers) expect(infoText).not.toContain(id);
    // For troubleshooting, at debug level.
    const debug = presence.filter((l) => l.level === DEBUG);
    expect(debug.map((l) => l.peer)).toEqual(expect.arrayContaining(peers));
  });
});
