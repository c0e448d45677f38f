// Slides and whiteboard: someone with `present` shows a PDF (uploaded over
// HTTP, see http/presentations-api.ts) or blank pages; they and moderators
// turn pages; strokes and the pointer go to everyone as vector data. Who may
// draw: the presenter and moderators, everyone once a moderator allows it.
// Nothing here logs a stroke, a page's content or who drew.
import { hasPermission } from '../rooms/permissions.js';
import type { Participant } from '../rooms/participant.js';
import type { Room } from '../rooms/room.js';
import { AulaError } from '../errors.js';
import { Presentation } from '../presentation/presentation.js';
import type { PresentationFiles } from '../presentation/files.js';
import { TokenBucket } from '../rate-limit.js';
import { joinedHandler, type JoinedContext } from '../signalling/handler.js';

/** Strokes a person may add: a burst, then a steady few per second. */
const STROKES_BURST = 20;
const STROKES_PER_SECOND = 5;
/** Pointer moves a person may send per second (the client sends about 10). */
const POINTER_PER_SECOND = 30;

const strokeBuckets = new WeakMap<Participant, TokenBucket>();
const pointerBuckets = new WeakMap<Participant, TokenBucket>();
const bucket = (map: WeakMap<Participant, TokenBucket>, p: Participant, burst: number, perSecond: number) => {
  let b = map.get(p);
  if (!b) map.set(p, (b = new TokenBucket(burst, perSecond)));
  return b;
};

const filesOf = (ctx: JoinedContext): PresentationFiles => {
  if (!ctx.services.presentations) throw new AulaError('forbidden', 'this server does not show slides');
  return ctx.services.presentations;
};

/** The room's presentation, once everyone can see it. */
const shown = (room: Room): Presentation => {
  const p = room.presentation;
  if (!p?.ready) throw new AulaError('not_found', 'nothing is being presented');
  return p;
};

const mayTurnPages = (p: Presentation, who: Participant) => who.id === p.presenterId || hasPermission(who.role, 'manageDrawing');
const mayDraw = (p: Presentation, who: Participant) => p.drawingAllowed || mayTurnPages(p, who);

const checkDraw = (p: Presentation, who: Participant) => {
  if (!mayDraw(p, who)) throw new AulaError('forbidden', 'drawing is not allowed for you now; a moderator can allow it');
};

/** Tell the room the presentation's state (or that it ended). */
export function announcePresentation(room: Room, files: PresentationFiles | undefined): void {
  const p = room.presentation;
  room.broadcast('presentationChanged', { presentation: p?.ready && files ? p.state((x) => files.urlOf(x)) : null });
}

/** A new presentation replaces a pending one of the same presenter; anyone else's is `busy`. */
function begin(ctx: JoinedContext, make: (files: PresentationFiles) => Presentation): Presentation {
  const files = filesOf(ctx);
  const { room, participant } = ctx;
  const current = room.presentation;
  if (current && (current.ready || current.presenterId !== participant.id)) {
    throw new AulaError('busy', 'something is being presented already; stop it first');
  }
  current?.dispose();
  const p = make(files);
  room.presentation = p;
  return p;
}

export const presentationHandlers = [
  joinedHandler('startWhiteboard', 'present', async (ctx) => {
    const files = filesOf(ctx);
    const p = begin(ctx, () => new Presentation('whiteboard', ctx.participant.id, 1));
    announcePresentation(ctx.room, files);
    ctx.services.log.info({ room: ctx.room.id }, 'whiteboard started');
    return p.state((x) => files.urlOf(x));
  }),

  joinedHandler('startSlides', 'present', async (ctx, { bytes, pageCount }) => {
    const files = filesOf(ctx);
    if (bytes > files.limits.maxBytes) throw new AulaError('too_large', files.tooLarge());
    if (pageCount > files.limits.maxPages) {
      throw new AulaError('invalid_params', `the PDF has ${pageCount} pages; at most ${files.limits.maxPages} can be shown`);
    }
    const p = begin(ctx, (f) => {
      const made: Presentation = new Presentation('slides', ctx.participant.id, pageCount, () => f.drop(made.id));
      return made;
    });
    files.expect(ctx.room, p);
    return { presentationId: p.id, upload: { url: files.urlOf(p), token: p.uploadToken } };
  }),

  joinedHandler('setPage', undefined, async ({ room, participant, services }, { page }) => {
    const p = shown(room);
    if (!mayTurnPages(p, participant)) throw new AulaError('forbidden', 'only the presenter and moderators turn pages');
    p.setPage(page);
    announcePresentation(room, services.presentations);
    return {};
  }),

  joinedHandler('addPage', undefined, async ({ room, participant, services }) => {
    const p = shown(room);
    if (!mayTurnPages(p, participant)) throw new AulaError('forbidden', 'only the presenter and moderators add pages');
    const pageCount = p.addPage();
    announcePresentation(room, services.presentations);
    return { pageCount };
  }),

  joinedHandler('stopPresenting', undefined, async ({ room, participant, services }) => {
    const p = room.presentation;
    if (!p) throw new AulaError('not_found', 'nothing is being presented');
    if (!mayTurnPages(p, participant)) throw new AulaError('forbidden', 'only the presenter and moderators stop presenting');
    p.dispose();
    room.presentation = undefined;
    if (p.ready) announcePresentation(room, services.presentations);
    services.log.info({ room: room.id, kind: p.kind }, 'presentation stopped');
    return {};
  }),

  joinedHandler('drawStroke', undefined, async ({ room, participant }, { page, stroke }) => {
    const p = shown(room);
    checkDraw(p, participant);
    if (!bucket(strokeBuckets, participant, STROKES_BURST, STROKES_PER_SECOND).take()) {
      throw new AulaError('rate_limited', 'drawing too fast; wait a moment');
    }
    const added = p.addStroke(page, stroke);
    room.broadcast('strokeAdded', { page, stroke: added }, participant);
    return { strokeId: added.id };
  }),

  joinedHandler('eraseStroke', undefined, async ({ room, participant }, { page, strokeId }) => {
    const p = shown(room);
    checkDraw(p, participant);
    p.eraseStroke(page, strokeId);
    room.broadcast('strokeErased', { page, strokeId }, participant);
    return {};
  }),

  joinedHandler('clearPage', undefined, async ({ room, participant }, { page }) => {
    const p = shown(room);
    checkDraw(p, participant);
    p.clearPage(page);
    room.broadcast('pageCleared', { page }, participant);
    return {};
  }),

  joinedHandler('movePointer', undefined, async ({ room, participant }, { x, y, hidden }) => {
    const p = shown(room);
    checkDraw(p, participant);
    if (!hidden && (x === undefined || y === undefined)) throw new AulaError('invalid_params', 'a pointer needs x and y, or hidden');
    if (!bucket(pointerBuckets, participant, POINTER_PER_SECOND, POINTER_PER_SECOND).take()) return {};
    room.broadcast('pointerMoved', hidden ? { hidden: true } : { x, y }, participant);
    return {};
  }),

  joinedHandler('setDrawingAllowed', 'manageDrawing', async ({ room, services }, { allowed }) => {
    const p = shown(room);
    p.drawingAllowed = allowed;
    announcePresentation(room, services.presentations);
    return {};
  }),
];
