// What the stage knows of the slides or whiteboard: the server's state (from
// the join result and notifications), the pointer, and this browser's tool.
// Also what the presenter does: upload a PDF, open a whiteboard, turn pages.
import { computed, signal } from '@preact/signals';
import type { PresentationState, Stroke, StrokeInput } from '../../../shared/presentation.js';
import type { Method, Params, Result } from '../../../shared/protocol.js';
import { RequestError, type Signalling } from '../signalling.js';
import { announce, can, room } from '../store.js';
import type { PdfDocument } from './pdf.js';
import { slideStrings } from './strings.js';

export type Tool = 'pen' | 'highlighter' | 'eraser' | 'pointer';

export const slides = {
  presentation: signal<PresentationState | null>(null),
  pointer: signal<{ x: number; y: number } | null>(null),
  tool: signal<Tool>('pen'),
  colour: signal<StrokeInput['colour']>('red'),
  /** The last thing that went wrong, shown beside the controls. */
  error: signal(''),
  busy: signal(false),
};

export const presenting = computed(() => slides.presentation.value !== null);
/** The presenter and moderators turn pages and stop; with "Allow drawing", everyone draws. */
export const mayControl = computed(() => {
  const p = slides.presentation.value;
  return !!p && (p.presenterId === room.selfId.value || can('manageDrawing'));
});
export const mayDraw = computed(() => mayControl.value || !!slides.presentation.value?.drawingAllowed);

const setStrokes = (page: number, change: (s: Stroke[]) => Stroke[]) => {
  const p = slides.presentation.value;
  if (p && p.page === page) slides.presentation.value = { ...p, strokes: change(p.strokes) };
};

export function applyPresentation(p: PresentationState | null | undefined): void {
  const before = slides.presentation.value;
  slides.presentation.value = p ?? null;
  if (!p) slides.pointer.value = null;
  const t = slideStrings();
  if (p && !before) announce(t.announceStarted);
  else if (!p && before) announce(t.announceStopped);
  else if (p && before && p.page !== before.page) announce(t.announcePage(p.page));
}

// The room's signalling (the same object across reconnects).
let sig: Signalling | undefined;
function request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
  if (!sig) return Promise.reject(new Error('not connected'));
  return sig.request(method, params);
}

export function listenSlides(s: Signalling): void {
  sig = s;
  s.on('presentationChanged', ({ presentation }) => applyPresentation(presentation));
  s.on('strokeAdded', ({ page, stroke }) => setStrokes(page, (list) => [...list, stroke]));
  s.on('strokeErased', ({ page, strokeId }) => setStrokes(page, (list) => list.filter((x) => x.id !== strokeId)));
  s.on('pageCleared', ({ page }) => setStrokes(page, () => []));
  s.on('pointerMoved', ({ x, y, hidden }) => (slides.pointer.value = hidden || x === undefined || y === undefined ? null : { x, y }));
}

const messageOf = (err: unknown) => (err instanceof RequestError || err instanceof Error ? err.message : String(err));

async function attempt(action: () => Promise<unknown>): Promise<void> {
  slides.error.value = '';
  try {
    await action();
  } catch (err) {
    slides.error.value = messageOf(err);
  }
}

// pdf.js is large: loaded from aula's origin the first time slides are shown.
let pdfModule: Promise<typeof import('./pdf.js')> | undefined;
export function loadPdfModule(): Promise<typeof import('./pdf.js')> {
  const url = '/assets/pdfjs/slides.js';
  pdfModule ??= import(/* webpackIgnore: true */ url) as Promise<typeof import('./pdf.js')>;
  return pdfModule;
}

/** The presenter picked a file: read it here (page count), announce, upload. */
export async function uploadSlides(file: File): Promise<void> {
  const t = slideStrings();
  slides.busy.value = true;
  await attempt(async () => {
    const data = await file.arrayBuffer();
    if (new TextDecoder('latin1').decode(data.slice(0, 5)) !== '%PDF-') throw new Error(t.notPdf);
    let doc: PdfDocument;
    try {
      doc = await (await loadPdfModule()).openPdf(data.slice(0));
    } catch {
      throw new Error(t.unreadable);
    }
    const pageCount = doc.pageCount;
    doc.close();
    const started = await request('startSlides', { bytes: data.byteLength, pageCount });
    const res = await fetch(started.upload.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${started.upload.token}`, 'content-type': 'application/pdf' },
      body: data,
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      throw new Error(body.error?.code === 'not_pdf' ? t.notPdf : (body.error?.message ?? `HTTP ${res.status}`));
    }
  }).finally(() => (slides.busy.value = false));
}

export const startWhiteboard = () => attempt(() => request('startWhiteboard', {}));
export const stopPresenting = () => attempt(() => request('stopPresenting', {}));
export const addPage = () => attempt(() => request('addPage', {}));
export const setDrawingAllowed = (allowed: boolean) => attempt(() => request('setDrawingAllowed', { allowed }));
export const clearPage = (page: number) => attempt(() => request('clearPage', { page }));
export const eraseStroke = (page: number, strokeId: string) => attempt(() => request('eraseStroke', { page, strokeId }));

export function setPage(page: number): Promise<void> {
  const p = slides.presentation.value;
  if (!p || page < 1 || page > p.pageCount) return Promise.resolve();
  return attempt(() => request('setPage', { page }));
}

/** Our own stroke: shown at once, kept with the id the server gives it. */
export async function sendStroke(page: number, stroke: StrokeInput): Promise<void> {
  try {
    const { strokeId } = await request('drawStroke', { page, stroke });
    setStrokes(page, (list) => [...list, { ...stroke, id: strokeId }]);
  } catch (err) {
    slides.error.value = messageOf(err);
  }
}

let lastPointer = 0;
/** The pointer, at most ten times a second. */
export function sendPointer(pos: { x: number; y: number } | null): void {
  const now = performance.now();
  if (pos && now - lastPointer < 100) return;
  lastPointer = now;
  request('movePointer', pos ? pos : { hidden: true }).catch(() => undefined);
}
