// Join click → first remote frame, two checkouts of aula in one run:
//   npx tsx bench/compare-join.ts --a <checkout> --b <checkout> [--joins 10]
// Each checkout's client is built and its server started (bench/lib/join-host.ts);
// a Chromium teacher with camera and microphone waits in each room, and the
// joins alternate between the two (A then B, then B then A, …) so that the
// machine's load falls on both alike. Each join is P3's (scenarios/p3-join.ts):
// through the join page, Join click → first decoded frame of the teacher's
// video. Prints p50/p95 of both and B ÷ A, with the machine and its load.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../tests/helpers/browser.js';
import { round, quantile } from './lib/stats.js';
import { timeOneJoin } from './scenarios/p3-join.js';

const { values } = parseArgs({ options: { a: { type: 'string' }, b: { type: 'string' }, joins: { type: 'string', default: '10' } } });
if (!values.a || !values.b) throw new Error('usage: compare-join.ts --a <checkout> --b <checkout> [--joins 10]');
const joins = Number(values.joins);

interface Arm {
  name: string;
  tree: string;
  host: ChildProcess;
  guest: string;
  moderator: string;
  teacherId: string;
  click: number[];
  failed: number;
}

async function startArm(name: string, tree: string): Promise<Arm> {
  execFileSync(process.execPath, ['scripts/build-client.mjs'], { cwd: tree, stdio: 'ignore' });
  const host = spawn(path.join(import.meta.dirname, '../node_modules/.bin/tsx'), [path.join(import.meta.dirname, 'lib/join-host.ts'), tree], {
    cwd: tree,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: host.stdout }).once('line', resolve);
    host.once('exit', (code) => reject(new Error(`${name}: the server exited (${code})`)));
  });
  const links = JSON.parse(line) as { url: string; guest: string; moderator: string };
  const local = (link: string) => `${links.url}${link.slice(link.indexOf('/r/'))}`;
  return { name, tree, host, guest: local(links.guest), moderator: local(links.moderator), teacherId: '', click: [], failed: 0 };
}

/** The teacher, with camera and microphone: the old client turned them on at Join, the new one has switches. */
async function teacher(browser: Browser, link: string): Promise<{ page: Page; id: string }> {
  const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await page.goto(link);
  await page.getByLabel('Display name').fill('Teacher');
  for (const name of ['Camera', 'Microphone']) {
    const sw = page.getByRole('switch', { name, exact: true });
    if (await sw.count()) {
      await sw.click();
      await page.locator('[role="switch"][aria-checked="true"]', { hasText: name }).waitFor({ timeout: 30_000 });
    }
  }
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('button', { name: 'Leave', exact: true }).waitFor({ timeout: 60_000 });
  const id = await page.waitForFunction(() => (window as any).aula?.self as string | undefined, undefined, { timeout: 30_000 });
  return { page, id: (await id.jsonValue())! };
}

const loadAtStart = os.loadavg();
const started = new Date();
const arms: Arm[] = [];
let browser: Browser | undefined;
try {
  browser = await launchChromium();
  for (const [name, tree] of [
    ['A', values.a],
    ['B', values.b],
  ] as const) {
    const arm = await startArm(name, path.resolve(tree));
    arms.push(arm);
    arm.teacherId = (await teacher(browser, arm.moderator)).id;
  }
  await new Promise((r) => setTimeout(r, 2000));
  for (let i = 0; i < joins; i++) {
    for (const arm of i % 2 ? [...arms].reverse() : arms) {
      try {
        arm.click.push((await timeOneJoin(browser, arm.guest, arm.teacherId, i)).click);
      } catch (err) {
        arm.failed++;
        process.stderr.write(`${arm.name} join ${i} failed: ${(err as Error).message.split('\n')[0]}\n`);
      }
      await new Promise((r) => setTimeout(r, 300)); // let the leave settle
    }
  }
} finally {
  await browser?.close();
  for (const arm of arms) arm.host.stdin?.end();
}

const fig = (a: Arm) => ({ p50: quantile(a.click, 0.5), p95: quantile(a.click, 0.95) });
const [a, b] = arms.map(fig) as [ReturnType<typeof fig>, ReturnType<typeof fig>];
const cpu = os.cpus();
console.log(`Join click → first remote video frame, ${joins} joins each, alternating; ${started.toISOString()}`);
console.log(
  `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}, ${round(os.totalmem() / 1024 ** 3, 1)} GiB; load average ${loadAtStart.map((x) => x.toFixed(2)).join(' ')} at start, ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} at end`,
);
for (const [arm, f] of [
  [arms[0]!, a],
  [arms[1]!, b],
] as const) {
  console.log(
    `${arm.name} ${arm.tree}: p50 ${Math.round(f.p50)} ms, p95 ${Math.round(f.p95)} ms (${arm.click.length} joins, ${arm.failed} failed) samples ${arm.click.map(Math.round).join(' ')}`,
  );
}
console.log(`B ÷ A: p50 ${round(b.p50 / a.p50)}×, p95 ${round(b.p95 / a.p95)}×`);
