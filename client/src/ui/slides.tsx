// The presentation on the stage: the current PDF page (rendered by pdf.js in
// this browser, at this screen's size) or a blank whiteboard page, the strokes
// drawn on it, the presenter's pointer, and the controls each role may use.
import { useEffect, useRef, useState } from 'preact/hooks';
import { strokeColours, type StrokeInput } from '../../../shared/presentation.js';
import { redraw, strokeAt, toPage, simplify, COLOURS } from '../slides/ink.js';
import type { PdfDocument } from '../slides/pdf.js';
import { startRecordingCapture } from '../slides/capture.js';
import {
  addPage,
  clearPage,
  eraseStroke,
  loadPdfModule,
  mayControl,
  mayDraw,
  sendPointer,
  sendStroke,
  setDrawingAllowed,
  setPage,
  slides,
  stopPresenting,
  type Tool,
} from '../slides/state.js';
import { slideStrings } from '../slides/strings.js';
import { can, nameOf, room } from '../store.js';
import { useSize } from './use-size.js';

const WHITEBOARD_ASPECT = 16 / 9;

// One PDF per presentation, fetched with the members' file token.
let cached: { id: string; doc: Promise<PdfDocument> } | undefined;
function pdfFor(id: string, file: { url: string; token: string }): Promise<PdfDocument> {
  if (cached?.id === id) return cached.doc;
  void cached?.doc.then((d) => d.close()).catch(() => undefined);
  const doc = (async () => {
    const res = await fetch(file.url, { headers: { authorization: `Bearer ${file.token}` }, cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const data = await res.arrayBuffer();
    return (await loadPdfModule()).openPdf(data);
  })();
  cached = { id, doc };
  return doc;
}

export function SlidesStage() {
  const s = slideStrings();
  const p = slides.presentation.value!;
  const [boxRef, box] = useSize<HTMLDivElement>();
  const pageCanvas = useRef<HTMLCanvasElement>(null);
  const inkCanvas = useRef<HTMLCanvasElement>(null);
  const [aspect, setAspect] = useState(WHITEBOARD_ASPECT);
  const [rendered, setRendered] = useState(0);
  const [pending, setPending] = useState<StrokeInput | undefined>(undefined);
  const drawing = useRef<number[] | null>(null);

  // The page box: as large as the stage allows at the page's aspect.
  const w = Math.max(1, Math.floor(Math.min(box.w, box.h * aspect)));
  const h = Math.max(1, Math.floor(w / aspect));

  useEffect(() => {
    const canvas = pageCanvas.current!;
    let gone = false;
    // data-rendered says "this page is fully drawn": gone before the canvas is touched, back once it is drawn.
    canvas.removeAttribute('data-rendered');
    const done = () => {
      canvas.dataset.rendered = String(p.page);
      setRendered(p.page);
    };
    setRendered(0);
    if (p.kind === 'whiteboard') {
      setAspect(WHITEBOARD_ASPECT);
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.floor(w * dpr);
      canvas.height = Math.floor(h * dpr);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      done();
      return;
    }
    if (!p.file || !box.w) return;
    pdfFor(p.id, p.file)
      .then(async (doc) => {
        const a = await doc.aspect(p.page);
        if (gone) return;
        if (Math.abs(a - aspect) > 0.001) return setAspect(a); // renders again at the new size
        await doc.render(p.page, canvas, w);
        if (!gone) done();
      })
      .catch((err: Error) => (slides.error.value = s.failed(err.message)));
    return () => {
      gone = true;
    };
  }, [p.id, p.page, p.kind, w, h, aspect]);

  // Strokes: redrawn whenever they or the size change.
  useEffect(() => {
    const canvas = inkCanvas.current!;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.floor(w * dpr)) canvas.width = Math.floor(w * dpr);
    if (canvas.height !== Math.floor(h * dpr)) canvas.height = Math.floor(h * dpr);
    redraw(canvas, p.strokes, pending);
    // Set once they are drawn (not by the render before), so what it says is on the canvas.
    canvas.dataset.strokes = String(p.strokes.length);
  }, [p.strokes, pending, w, h]);

  // While a recording runs, the presenter's browser publishes what the stage shows.
  const recordingHere = room.recording.value && p.presenterId === room.selfId.value;
  useEffect(() => {
    if (!recordingHere) return;
    return startRecordingCapture(() => [pageCanvas.current, inkCanvas.current]);
  }, [recordingHere]);

  const tool = slides.tool.value;
  const canDraw = mayDraw.value;
  const erased = useRef(new Set<string>());
  const onDown = (ev: PointerEvent) => {
    if (!canDraw || ev.button !== 0) return;
    const el = ev.currentTarget as HTMLCanvasElement;
    el.setPointerCapture(ev.pointerId);
    const [x, y] = toPage(ev, el);
    if (tool === 'eraser') {
      erased.current.clear();
      return erase(x, y);
    }
    if (tool === 'pointer') return sendPointer({ x, y });
    drawing.current = [x, y];
    setPending(strokeOf(drawing.current));
  };
  const onMove = (ev: PointerEvent) => {
    if (!canDraw) return;
    const [x, y] = toPage(ev, ev.currentTarget as HTMLElement);
    if (tool === 'pointer') return sendPointer({ x, y });
    if (tool === 'eraser' && ev.buttons & 1) return erase(x, y);
    if (!drawing.current) return;
    drawing.current.push(x, y);
    setPending(strokeOf(drawing.current));
  };
  const onUp = () => {
    const points = drawing.current;
    drawing.current = null;
    setPending(undefined);
    if (points) void sendStroke(p.page, strokeOf(simplify(points)));
  };
  const erase = (x: number, y: number) => {
    const hit = strokeAt(p.strokes, x, y);
    if (hit && !erased.current.has(hit.id)) {
      erased.current.add(hit.id);
      void eraseStroke(p.page, hit.id);
    }
  };
  const strokeOf = (points: number[]): StrokeInput => ({
    tool: tool === 'highlighter' ? 'highlighter' : 'pen',
    colour: slides.colour.value,
    width: tool === 'highlighter' ? 18 : 4,
    points,
  });

  const pointer = slides.pointer.value;
  const label = p.kind === 'slides' ? s.slidesOf(nameOf(p.presenterId)) : s.whiteboardOf(nameOf(p.presenterId));
  return (
    <section class="slides" aria-label={label} data-kind={p.kind}>
      <div class="slide-area" ref={boxRef}>
        <div
          class="slide-page"
          ref={(el) => {
            if (el) {
              el.style.width = `${w}px`;
              el.style.height = `${h}px`;
            }
          }}
        >
          <canvas ref={pageCanvas} class="slide-canvas" role="img" aria-label={s.canvasLabel(p.page, p.pageCount)} data-page={p.page} />
          <canvas
            ref={inkCanvas}
            class="ink-canvas"
            data-tool={canDraw ? tool : undefined}
            aria-hidden="true"
            onPointerDown={onDown}
            onPointerMove={onMove}
            onPointerUp={onUp}
            onPointerCancel={onUp}
            onPointerLeave={() => tool === 'pointer' && canDraw && sendPointer(null)}
          />
          {pointer ? (
            <span
              class="slide-pointer"
              aria-hidden="true"
              ref={(el) => {
                if (el) placePointer(el, pointer);
              }}
            />
          ) : null}
        </div>
        {!rendered && p.kind === 'slides' ? (
          <p class="slide-loading" role="status">
            {s.loading}
          </p>
        ) : null}
      </div>
      <SlideControls />
    </section>
  );
}

function placePointer(el: HTMLElement, pos: { x: number; y: number }) {
  el.style.left = `${pos.x / 100}%`;
  el.style.top = `${pos.y / 100}%`;
}

const TOOLS: Tool[] = ['pen', 'highlighter', 'eraser', 'pointer'];

function SlideControls() {
  const s = slideStrings();
  const p = slides.presentation.value!;
  const control = mayControl.value;
  const draw = mayDraw.value;
  return (
    <div class="slide-controls" role="toolbar" aria-label={s.slideControls}>
      {control ? (
        <div class="slide-group">
          <button type="button" class="slide-button" disabled={p.page <= 1} onClick={() => void setPage(p.page - 1)}>
            {s.previousSlide}
          </button>
          <label class="page-number">
            <span class="visually-hidden">{s.pageNumber}</span>
            <input
              type="number"
              min={1}
              max={p.pageCount}
              value={p.page}
              aria-label={s.pageNumber}
              onChange={(e) => void setPage(Number(e.currentTarget.value))}
            />
            <span aria-hidden="true">/ {p.pageCount}</span>
          </label>
          <button type="button" class="slide-button" disabled={p.page >= p.pageCount} onClick={() => void setPage(p.page + 1)}>
            {s.nextSlide}
          </button>
          {p.kind === 'whiteboard' ? (
            <button type="button" class="slide-button" onClick={() => void addPage()}>
              {s.addPage}
            </button>
          ) : null}
        </div>
      ) : (
        <span class="slide-page-status" role="status">
          {s.pageOf(p.page, p.pageCount)}
        </span>
      )}
      {draw ? (
        <div class="slide-group" role="group" aria-label={s.tools}>
          {TOOLS.map((tool) => (
            <button key={tool} type="button" class="slide-button" aria-pressed={slides.tool.value === tool} onClick={() => (slides.tool.value = tool)}>
              {s[tool]}
            </button>
          ))}
          <label class="colour">
            <span class="visually-hidden">{s.colour}</span>
            <select aria-label={s.colour} value={slides.colour.value} onChange={(e) => (slides.colour.value = e.currentTarget.value as StrokeInput['colour'])}>
              {strokeColours.map((c) => (
                <option key={c} value={c}>
                  {s.colours[c]}
                </option>
              ))}
            </select>
            <span
              class="swatch"
              aria-hidden="true"
              ref={(el) => {
                if (el) el.style.background = COLOURS[slides.colour.value];
              }}
            />
          </label>
          <button type="button" class="slide-button" onClick={() => void clearPage(p.page)}>
            {s.clearPage}
          </button>
        </div>
      ) : null}
      {can('manageDrawing') ? (
        <label class="allow-drawing">
          <input type="checkbox" checked={p.drawingAllowed} onChange={(e) => void setDrawingAllowed(e.currentTarget.checked)} />
          {s.allowDrawing}
        </label>
      ) : p.drawingAllowed ? (
        <span class="slide-note">{s.drawingAllowed}</span>
      ) : null}
      {control ? (
        <button type="button" class="slide-button danger" onClick={() => void stopPresenting()}>
          {s.stopPresenting}
        </button>
      ) : null}
      {slides.error.value ? (
        <p class="slide-error" role="alert">
          {slides.error.value}
        </p>
      ) : null}
    </div>
  );
}
