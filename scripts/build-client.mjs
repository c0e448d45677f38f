#!/usr/bin/env node
// Bundles the browser client with esbuild: client/src/main.tsx → client/dist/app.js,
// client/src/styles/index.css → client/dist/style.css. Everything the page needs is
// in these two files; nothing is loaded from another origin. Prints the gzip sizes
// (the client's budget is 120 KB of gzipped JavaScript).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'client/dist');
const BUDGET_KB = 120;
fs.mkdirSync(out, { recursive: true });
const common = {
  bundle: true,
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: [path.join(root, 'client/src/main.tsx')],
  format: 'iife',
  sourcemap: true,
  outfile: path.join(out, 'app.js'),
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // Icons: lucide-static's SVG files, inlined as text (self-hosted, ISC).
  loader: { '.svg': 'text' },
  define: { __AULA_VERSION__: JSON.stringify(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version) },
});
await build({ ...common, entryPoints: [path.join(root, 'client/src/styles/index.css')], outfile: path.join(out, 'style.css') });

// Slides: pdf.js in a module of its own, loaded only when slides are shown, with
// its worker, fonts, character maps and the JavaScript image decoders (no
// WebAssembly: the CSP has no 'wasm-unsafe-eval'), all from aula's origin.
const pdfjsOut = path.join(out, 'pdfjs');
const pdfjs = path.join(root, 'node_modules/pdfjs-dist');
fs.rmSync(pdfjsOut, { recursive: true, force: true });
fs.mkdirSync(path.join(pdfjsOut, 'wasm'), { recursive: true });
await build({ ...common, entryPoints: [path.join(root, 'client/src/slides/pdf.ts')], format: 'esm', outfile: path.join(pdfjsOut, 'slides.js') });
fs.copyFileSync(path.join(pdfjs, 'build/pdf.worker.min.mjs'), path.join(pdfjsOut, 'pdf.worker.mjs'));
for (const dir of ['standard_fonts', 'cmaps', 'iccs']) fs.cpSync(path.join(pdfjs, dir), path.join(pdfjsOut, dir), { recursive: true });
for (const f of fs.readdirSync(path.join(pdfjs, 'wasm'))) {
  if (f.endsWith('_nowasm_fallback.js') || f.startsWith('LICENSE')) fs.copyFileSync(path.join(pdfjs, 'wasm', f), path.join(pdfjsOut, 'wasm', f));
}

const kb = (file) => {
  const bytes = fs.readFileSync(path.join(out, file));
  return { raw: bytes.length / 1024, gzip: zlib.gzipSync(bytes, { level: 9 }).length / 1024 };
};
const js = kb('app.js');
const slidesJs = kb('pdfjs/slides.js');
const worker = kb('pdfjs/pdf.worker.mjs');
const css = kb('style.css');
console.log(
  `client: app.js ${js.raw.toFixed(1)} KB (${js.gzip.toFixed(1)} KB gzip, budget ${BUDGET_KB} KB), style.css ${css.raw.toFixed(1)} KB (${css.gzip.toFixed(1)} KB gzip)`,
);
console.log(`client: slides (loaded only when shown): pdfjs/slides.js ${slidesJs.gzip.toFixed(1)} KB gzip, pdf.worker.mjs ${worker.gzip.toFixed(1)} KB gzip`);
if (js.gzip > BUDGET_KB) {
  console.error(`client: app.js is over the ${BUDGET_KB} KB gzip budget`);
  process.exit(1);
}
