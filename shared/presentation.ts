// Slides and whiteboard on the wire: the presenter's PDF pages or blank
// whiteboard pages, with strokes drawn on them as compact vector data (never
// as video). shared/protocol.ts spreads these into its requests and
// notifications; docs/PROTOCOL.md describes the flow.
import * as z from 'zod/mini';

export const PRESENTATION_LIMITS = {
  /** Defaults for the configurable file bounds (config `presentation.*`). */
  pdfBytes: 50 * 1024 * 1024,
  pages: 300,
  /** A whiteboard starts with one page; more can be added up to this. */
  whiteboardPages: 50,
  /** x, y pairs per stroke (a long, detailed line is a few hundred). */
  pointsPerStroke: 1000,
  strokesPerPage: 300,
  /** Coordinates are integers in 0..coord across the page's width and height. */
  coord: 10_000,
  width: 40,
} as const;

const id = z.string().check(z.minLength(1), z.maxLength(64));
const page = z.int().check(z.minimum(1), z.maximum(PRESENTATION_LIMITS.pages));
const coord = z.int().check(z.minimum(0), z.maximum(PRESENTATION_LIMITS.coord));

export const strokeTools = ['pen', 'highlighter'] as const;
/** A small palette: names, not free CSS, so nothing but a colour can travel here. */
export const strokeColours = ['black', 'red', 'blue', 'green', 'orange', 'yellow', 'white'] as const;

/** Flattened [x0, y0, x1, y1, …]: at least one point, at most pointsPerStroke. */
const points = z.array(coord).check(
  z.minLength(2),
  z.maxLength(PRESENTATION_LIMITS.pointsPerStroke * 2),
  z.refine((p) => p.length % 2 === 0, 'points come in x, y pairs'),
);

export const strokeInput = z.strictObject({
  tool: z.enum(strokeTools),
  colour: z.enum(strokeColours),
  width: z.int().check(z.minimum(1), z.maximum(PRESENTATION_LIMITS.width)),
  points,
});
export const stroke = z.extend(strokeInput, { id });
export type Stroke = z.infer<typeof stroke>;
export type StrokeInput = z.infer<typeof strokeInput>;

export const presentationState = z.object({
  id,
  kind: z.enum(['slides', 'whiteboard']),
  /** Who presents (a participant id); they and moderators turn pages. */
  presenterId: id,
  page,
  pageCount: page,
  /** Everyone may draw, not only the presenter and moderators. */
  drawingAllowed: z.boolean(),
  /** The strokes on the current page. */
  strokes: z.array(stroke),
  /** Slides: where members fetch the PDF (GET with `Authorization: Bearer <fileToken>`). */
  file: z.optional(z.object({ url: z.string(), token: z.string() })),
});
export type PresentationState = z.infer<typeof presentationState>;

const params = z.strictObject;
const empty = z.strictObject({});

export const presentationRequests = {
  /** Open blank whiteboard pages (someone with `present`; one presentation per room). */
  startWhiteboard: { params: empty, result: presentationState },
  /**
   * Announce slides: the browser has read the PDF and reports its size and
   * page count; it then uploads the file with `POST upload.url` and
   * `Authorization: Bearer upload.token`. Everyone sees the slides once the
   * upload is checked.
   */
  startSlides: {
    params: params({ bytes: z.int().check(z.minimum(1)), pageCount: z.int().check(z.minimum(1)) }),
    result: z.object({ presentationId: id, upload: z.object({ url: z.string(), token: z.string() }) }),
  },
  /** Turn the page for everyone (the presenter and moderators). */
  setPage: { params: params({ page: z.int() }), result: empty },
  /** Whiteboard: one more blank page, shown at once. */
  addPage: { params: empty, result: z.object({ pageCount: page }) },
  stopPresenting: { params: empty, result: empty },
  drawStroke: { params: params({ page: z.int(), stroke: strokeInput }), result: z.object({ strokeId: id }) },
  eraseStroke: { params: params({ page: z.int(), strokeId: id }), result: empty },
  clearPage: { params: params({ page: z.int() }), result: empty },
  /** The presenter's pointer on the current page; `hidden` takes it away. */
  movePointer: {
    params: params({ x: z.optional(coord), y: z.optional(coord), hidden: z.optional(z.boolean()) }),
    result: empty,
  },
  /** Moderators: let everyone draw, or only the presenter and moderators again. */
  setDrawingAllowed: { params: params({ allowed: z.boolean() }), result: empty },
} as const;

export const presentationNotifications = {
  /** Started, page turned, drawing allowed or not; `null`: presentation ended. */
  presentationChanged: z.object({ presentation: z.nullable(presentationState) }),
  strokeAdded: z.object({ page, stroke }),
  strokeErased: z.object({ page, strokeId: id }),
  pageCleared: z.object({ page }),
  pointerMoved: z.object({ x: z.optional(coord), y: z.optional(coord), hidden: z.optional(z.boolean()) }),
} as const;
