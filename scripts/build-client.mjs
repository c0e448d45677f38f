#!/usr/bin/env node
// Bundles the browser client with esbuild: client/src/main.ts → client/dist/app.js.
// Everything the page needs is in this bundle; nothing is loaded from another origin.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'client/dist');
fs.mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(root, 'client/src/main.ts')],
  bundle: true,
  format: 'iife',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: true,
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
  define: { __AULA_VERSION__: JSON.stringify(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version) },
});
fs.copyFileSync(path.join(root, 'client/src/style.css'), path.join(out, 'style.css'));
