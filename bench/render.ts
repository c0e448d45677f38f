// Print the table of a saved run again (after a change to how figures are
// derived): npx tsx bench/render.ts bench/results/<file>.json [--write]
import fs from 'node:fs';
import { buildFigures, printTable, type BenchReport } from './report.js';

const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/render.ts <results.json> [--write]');
const report = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchReport;
report.figures = buildFigures(report);
if (process.argv.includes('--write')) fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(printTable(report));
