// One room's slides or whiteboard: which page is shown, how many there are,
// and the strokes drawn on each page. Memory only; the PDF itself lives in
// PresentationFiles for the meeting and goes when the presentation ends.
// Strokes carry no author: nothing here says who drew what.
import { randomBytes, randomUUID } from 'node:crypto';
import { PRESENTATION_LIMITS, type PresentationState, type Stroke, type StrokeInput } from '../../shared/presentation.js';
import { AulaError } from '../errors.js';

export type PresentationKind = 'slides' | 'whiteboard';

export class Presentation {
  readonly id = randomUUID();
  /** Members fetch the PDF with this; the uploader sends it with uploadToken. */
  readonly fileToken = randomBytes(24).toString('base64url');
  readonly uploadToken = randomBytes(24).toString('base64url');
  page = 1;
  drawingAllowed = false;
  /** Slides become visible once their PDF is uploaded and checked. */
  ready: boolean;
  private readonly strokes = new Map<number, Stroke[]>();

  constructor(
    readonly kind: PresentationKind,
    public presenterId: string,
    public pageCount: number,
    /** Called once when the presentation ends (deletes the PDF). */
    private readonly onDispose: () => void = () => undefined,
  ) {
    this.ready = kind === 'whiteboard';
  }

  /** A page number from the wire: a clear error when it is not one of ours. */
  checkPage(page: number): number {
    if (!Number.isInteger(page) || page < 1 || page > this.pageCount) {
      throw new AulaError('invalid_params', `page ${page} is out of range (1–${this.pageCount})`);
    }
    return page;
  }

  setPage(page: number): void {
    this.page = this.checkPage(page);
  }

  addPage(): number {
    if (this.kind !== 'whiteboard') throw new AulaError('invalid_params', 'pages can only be added to a whiteboard');
    if (this.pageCount >= PRESENTATION_LIMITS.whiteboardPages) {
      throw new AulaError('invalid_params', `a whiteboard has at most ${PRESENTATION_LIMITS.whiteboardPages} pages`);
    }
    this.pageCount += 1;
    this.page = this.pageCount;
    return this.pageCount;
  }

  addStroke(page: number, input: StrokeInput): Stroke {
    const list = this.strokesOn(this.checkPage(page));
    if (list.length >= PRESENTATION_LIMITS.strokesPerPage) {
      throw new AulaError('invalid_params', `a page holds at most ${PRESENTATION_LIMITS.strokesPerPage} strokes; clear it first`);
    }
    const stroke: Stroke = { ...input, id: randomBytes(8).toString('base64url') };
    list.push(stroke);
    return stroke;
  }

  eraseStroke(page: number, strokeId: string): void {
    const list = this.strokesOn(this.checkPage(page));
    const at = list.findIndex((s) => s.id === strokeId);
    if (at < 0) throw new AulaError('not_found', 'no such stroke on this page');
    list.splice(at, 1);
  }

  clearPage(page: number): void {
    this.strokes.delete(this.checkPage(page));
  }

  strokesOn(page: number): Stroke[] {
    let list = this.strokes.get(page);
    if (!list) this.strokes.set(page, (list = []));
    return list;
  }

  /** What members see; `fileUrl` is where slides are fetched from. */
  state(fileUrl: (p: Presentation) => string): PresentationState {
    return {
      id: this.id,
      kind: this.kind,
      presenterId: this.presenterId,
      page: this.page,
      pageCount: this.pageCount,
      drawingAllowed: this.drawingAllowed,
      strokes: [...this.strokesOn(this.page)],
      ...(this.kind === 'slides' ? { file: { url: fileUrl(this), token: this.fileToken } } : {}),
    };
  }

  private disposed = false;
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.strokes.clear();
    this.onDispose();
  }
}
