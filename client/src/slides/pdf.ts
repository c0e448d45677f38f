// The slides' renderer: pdf.js, bundled into its own file (client/dist/pdfjs/
// slides.js) that the page loads only when slides are shown, with its worker,
// fonts and character maps from aula's own origin. WebAssembly stays off (the
// CSP has no 'wasm-unsafe-eval'): pdf.js then decodes JPEG 2000 and JBIG2
// images with its slower JavaScript fallbacks, and skips ICC colour management.
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist';

const BASE = '/assets/pdfjs/';
GlobalWorkerOptions.workerSrc = `${BASE}pdf.worker.mjs`;

export interface PdfDocument {
  pageCount: number;
  /** Draw page `n` (1-based) into `canvas`, `cssWidth` CSS pixels wide; returns the page's aspect (w / h). */
  render(n: number, canvas: HTMLCanvasElement, cssWidth: number): Promise<number>;
  /** A page's aspect without drawing it. */
  aspect(n: number): Promise<number>;
  close(): void;
}

export async function openPdf(data: ArrayBuffer): Promise<PdfDocument> {
  const doc: PDFDocumentProxy = await getDocument({
    data: new Uint8Array(data),
    useWasm: false,
    wasmUrl: `${BASE}wasm/`,
    standardFontDataUrl: `${BASE}standard_fonts/`,
    cMapUrl: `${BASE}cmaps/`,
    iccUrl: `${BASE}iccs/`,
    enableXfa: false,
    isEvalSupported: false,
  } as Parameters<typeof getDocument>[0]).promise;
  let task: { cancel(): void } | undefined;
  return {
    pageCount: doc.numPages,
    async aspect(n) {
      const vp = (await doc.getPage(n)).getViewport({ scale: 1 });
      return vp.width / vp.height;
    },
    async render(n, canvas, cssWidth) {
      task?.cancel();
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      // Sharp on this screen: as many device pixels as the canvas shows.
      const scale = (cssWidth / base.width) * (window.devicePixelRatio || 1);
      const viewport = page.getViewport({ scale });
      canvas.width = Math.max(1, Math.floor(viewport.width));
      canvas.height = Math.max(1, Math.floor(viewport.height));
      const render = page.render({ canvas, canvasContext: canvas.getContext('2d')!, viewport });
      task = render;
      await render.promise.catch((err: { name?: string }) => {
        if (err?.name !== 'RenderingCancelledException') throw err;
      });
      return base.width / base.height;
    },
    close: () => void doc.loadingTask.destroy(),
  };
}
