// Slides and whiteboard over the real signalling and HTTP: who may present,
// the upload's checks (not a PDF, too large, too many pages), who may fetch
// the file and with which headers, page turns, strokes and their bounds,
// "Allow drawing", late joiners, and the PDF gone when the meeting ends.
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/protocol.js';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { filesUnder } from '../helpers/canary.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let room: Room;
const clients: TestClient[] = [];
const MAX_BYTES = 64 * 1024;

async function member(role: Role, name: string): Promise<{ c: TestClient; id: string; joined: any }> {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  const reply = await c.enter(room.id, await tokenFor(server, room, role), name);
  expect(reply).toMatchObject({ ok: true, data: { status: 'joined' } });
  return { c, id: reply.data.self.id, joined: reply.data };
}

/** A tiny file that starts like a PDF; the server only checks the header. */
const pdf = (bytes = 2000) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(bytes - 9, 0x20)]);

const upload = (upload: { url: string; token: string }, body: Buffer, token = upload.token) =>
  fetch(`${server.url}${upload.url}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' },
    body: new Uint8Array(body),
  });

const fetchFile = (file: { url: string; token: string }, token = file.token) =>
  fetch(`${server.url}${file.url}`, { headers: { authorization: `Bearer ${token}` } });

const pen = (points: number[]) => ({ tool: 'pen' as const, colour: 'red' as const, width: 4, points });

beforeAll(async () => {
  server = await startTestServer({ presentation: { maxBytes: MAX_BYTES, maxPages: 20 } });
  room = await server.rooms.create({ title: 'Slides', maxParticipants: 20 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => room.participants.size === 0, 30_000, 'room to empty');
});
afterAll(async () => {
  await server.close();
});

describe('slides', () => {
  it('a presenter shows a PDF; members fetch it with the right headers, others cannot; pages turn for everyone', async () => {
    const mod = await member('moderator', 'Mod');
    const pres = await member('presenter', 'Pres');
    const pupil = await member('participant', 'Pupil');
    expect(await pupil.c.request('startSlides', { bytes: 2000, pageCount: 3 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await pupil.c.request('startWhiteboard')).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Refused before any upload: too large, too many pages.
    expect(await pres.c.request('startSlides', { bytes: MAX_BYTES + 1, pageCount: 3 })).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(await pres.c.request('startSlides', { bytes: 2000, pageCount: 21 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', message: expect.stringContaining('at most 20') },
    });

    const started = await pres.c.request('startSlides', { bytes: 2000, pageCount: 3 });
    expect(started.ok).toBe(true);
    const { upload: up } = started.data;
    // Nobody sees slides before their file is checked; a second presenter is busy only once they show.
    expect(pupil.c.notifications.some((n) => n.method === 'presentationChanged')).toBe(false);

    // Not a PDF; a wrong upload token; too large for the body limit.
    const notPdf = await upload(up, Buffer.from('<html>not a pdf</html>'));
    expect(notPdf.status).toBe(415);
    expect(await notPdf.json()).toEqual({ error: { code: 'not_pdf', message: 'this file is not a PDF' } });
    expect((await upload(up, pdf(), 'x'.repeat(32))).status).toBe(403);
    const huge = await upload(up, pdf(MAX_BYTES + 100));
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('too_large');

    const seen = pupil.c.nextNotification('presentationChanged', 30_000);
    expect((await upload(up, pdf())).status).toBe(201);
    const { presentation } = await seen;
    expect(presentation).toMatchObject({ kind: 'slides', presenterId: pres.id, page: 1, pageCount: 3, drawingAllowed: false, strokes: [] });
    expect((await upload(up, pdf())).status).toBe(400); // once only

    // The file: to holders of the file token, as a PDF, not cached, not sniffed.
    const got = await fetchFile(presentation!.file!);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('cache-control')).toBe('no-store');
    expect(
      Buffer.from(await got.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await fetchFile(presentation!.file!, 'y'.repeat(32))).status).toBe(404);
    expect((await fetch(`${server.url}${presentation!.file!.url}`)).status).toBe(404);
    // At rest: 0600, a random name, in the data directory's presentations folder.
    const [file] = filesUnder(server.presentations.dir);
    expect(fs.statSync(file!).mode & 0o777).toBe(0o600);
    expect(file).toMatch(/presentations\/[0-9a-f]{32}\.pdf$/);

    // One presentation at a time.
    expect(await mod.c.request('startWhiteboard')).toMatchObject({ ok: false, error: { code: 'busy' } });

    // Pages: the presenter and moderators turn them, in range; the pupil cannot.
    expect(await pupil.c.request('setPage', { page: 2 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await pres.c.request('setPage', { page: 4 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', message: expect.stringContaining('out of range') },
    });
    expect(await pres.c.request('setPage', { page: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    const turned = pupil.c.nextNotification('presentationChanged');
    expect(await pres.c.request('setPage', { page: 2 })).toMatchObject({ ok: true });
    expect((await turned).presentation!.page).toBe(2);
    expect(await mod.c.request('setPage', { page: 3 })).toMatchObject({ ok: true });
    expect(await pres.c.request('addPage')).toMatchObject({ ok: false, error: { code: 'invalid_params' } });

    // Stop: everyone is told, the file is gone and cannot be fetched.
    const stopped = pupil.c.nextNotification('presentationChanged');
    expect(await pupil.c.request('stopPresenting')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await pres.c.request('stopPresenting')).toMatchObject({ ok: true });
    expect((await stopped).presentation).toBeNull();
    expect(filesUnder(server.presentations.dir)).toEqual([]);
    expect((await fetchFile(presentation!.file!)).status).toBe(404);
  });

  it('strokes reach everyone; participants draw only when allowed; bounds are typed errors; late joiners get the page', async () => {
    const mod = await member('moderator', 'Mod');
    const pupil = await member('participant', 'Pupil');
    const board = await mod.c.request('startWhiteboard');
    expect(board).toMatchObject({ ok: true, data: { kind: 'whiteboard', page: 1, pageCount: 1 } });
    expect((await pupil.c.notification('presentationChanged')).presentation!.kind).toBe('whiteboard');

    const added = pupil.c.nextNotification('strokeAdded');
    const drawn = await mod.c.request('drawStroke', { page: 1, stroke: pen([10, 10, 5000, 5000, 9000, 200]) });
    expect(drawn.ok).toBe(true);
    expect(await added).toEqual({ page: 1, stroke: { ...pen([10, 10, 5000, 5000, 9000, 200]), id: drawn.data.strokeId } });

    // The pupil may not draw, erase, clear or point until a moderator allows it.
    expect(await pupil.c.request('drawStroke', { page: 1, stroke: pen([1, 1]) })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await pupil.c.request('clearPage', { page: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await pupil.c.request('movePointer', { x: 1, y: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await pupil.c.request('setDrawingAllowed', { allowed: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const allowed = pupil.c.nextNotification('presentationChanged');
    expect(await mod.c.request('setDrawingAllowed', { allowed: true })).toMatchObject({ ok: true });
    expect((await allowed).presentation!.drawingAllowed).toBe(true);
    const byPupil = await pupil.c.request('drawStroke', {
      page: 1,
      stroke: { tool: 'highlighter', colour: 'yellow', width: 20, points: [0, 0, 10000, 10000] },
    });
    expect(byPupil.ok).toBe(true);
    const pointer = mod.c.nextNotification('pointerMoved');
    expect(await pupil.c.request('movePointer', { x: 300, y: 400 })).toMatchObject({ ok: true });
    expect(await pointer).toEqual({ x: 300, y: 400 });

    // Bounds: off-page coordinates, odd points, too many points, unknown fields, a page out of range.
    for (const bad of [
      { page: 1, stroke: pen([10_001, 5]) },
      { page: 1, stroke: pen([1, 2, 3]) },
      { page: 1, stroke: pen(Array(2002).fill(1)) },
      { page: 1, stroke: { ...pen([1, 1]), author: 'Mod' } },
      { page: 1, stroke: { ...pen([1, 1]), colour: 'url(javascript:x)' } },
    ]) {
      expect(await mod.c.unchecked('drawStroke', bad)).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    }
    expect(await mod.c.request('drawStroke', { page: 2, stroke: pen([1, 1]) })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', message: expect.stringContaining('out of range') },
    });

    // Pages: add one, draw there, erase the pupil's stroke on page 1.
    expect(await mod.c.request('addPage')).toMatchObject({ ok: true, data: { pageCount: 2 } });
    expect(await mod.c.request('drawStroke', { page: 2, stroke: pen([7, 7, 8, 8]) })).toMatchObject({ ok: true });
    const erased = mod.c.nextNotification('strokeErased');
    expect(await pupil.c.request('eraseStroke', { page: 1, strokeId: byPupil.data.strokeId })).toMatchObject({ ok: true });
    expect(await erased).toEqual({ page: 1, strokeId: byPupil.data.strokeId });

    // Withdrawn: the pupil may not draw again.
    expect(await mod.c.request('setDrawingAllowed', { allowed: false })).toMatchObject({ ok: true });
    expect(await pupil.c.request('drawStroke', { page: 2, stroke: pen([1, 1]) })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // A late joiner lands on the current page with its strokes; turning to page 1 brings its strokes.
    const late = await member('participant', 'Late');
    expect(late.joined.presentation).toMatchObject({ kind: 'whiteboard', page: 2, pageCount: 2, strokes: [pen([7, 7, 8, 8])] });
    const back = late.c.nextNotification('presentationChanged');
    expect(await mod.c.request('setPage', { page: 1 })).toMatchObject({ ok: true });
    expect((await back).presentation!.strokes).toEqual([{ ...pen([10, 10, 5000, 5000, 9000, 200]), id: drawn.data.strokeId }]);
    const cleared = late.c.nextNotification('pageCleared');
    expect(await mod.c.request('clearPage', { page: 1 })).toMatchObject({ ok: true });
    expect(await cleared).toEqual({ page: 1 });
    expect(await mod.c.request('stopPresenting')).toMatchObject({ ok: true });
  });

  it('the PDF goes when the meeting ends, and at start-up nothing is left from before', async () => {
    const pres = await member('presenter', 'Pres');
    const started = await pres.c.request('startSlides', { bytes: 2000, pageCount: 1 });
    expect((await upload(started.data.upload, pdf())).status).toBe(201);
    expect(filesUnder(server.presentations.dir)).toHaveLength(1);
    await pres.c.close();
    await waitFor(() => room.participants.size === 0, 30_000, 'room to empty');
    expect(room.presentation).toBeUndefined();
    expect(filesUnder(server.presentations.dir)).toEqual([]);
  });
});
