// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with
// fake camera and microphone. No browser is downloaded.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** What the page's `window.aula.stats()` reports per remote consumer. */
export interface ConsumerStats {
  peerId: string;
  source: string;
  kind: string;
  packetsReceived: number;
  framesDecoded: number;
}

export const CHROMIUM = process.env.AULA_CHROMIUM ?? '/usr/bin/chromium';

/** `extraArgs`: e.g. --use-file-for-fake-video-capture=<y4m> for a camera picture of the test's choosing,
 * or --use-fake-device-for-media-stream=device-count=3 for three fake cameras (the later switch wins). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      // Keep Chromium from calling home; this machine's network refuses it anyway.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      '--lang=en-US',
      ...extraArgs,
    ],
  });
}

/**
 * On the pre-join screen: turn the camera and the microphone on (both are off
 * by default, privacy by default) and wait until the browser has them.
 */
export async function switchDevicesOn(page: Page, de = false): Promise<void> {
  for (const name of de ? ['Kamera', 'Mikrofon'] : ['Camera', 'Microphone']) {
    const sw = page.getByRole('switch', { name, exact: true });
    await sw.click();
    await page.locator(`[role="switch"][aria-checked="true"]`, { hasText: name }).waitFor({ timeout: 20_000 });
  }
}

/**
 * Open a room link in a new context and join through the join page, as a
 * person would: with camera and microphone turned on, unless `media: false`.
 */
export async function joinThroughUi(
  browser: Browser,
  url: string,
  name: string,
  options: { locale?: string; viewport?: { width: number; height: number }; media?: boolean } = {},
): Promise<Page> {
  const locale = options.locale ?? 'en-US';
  const de = locale.startsWith('de');
  const context = await browser.newContext({ locale, ...(options.viewport ? { viewport: options.viewport } : {}) });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel(de ? 'Anzeigename' : 'Display name').fill(name);
  if (options.media !== false) await switchDevicesOn(page, de);
  await page.getByRole('button', { name: de ? 'Beitreten' : 'Join' }).click();
  try {
    await page.getByRole('button', { name: de ? 'Verlassen' : 'Leave', exact: true }).waitFor({ timeout: 20_000 });
  } catch (err) {
    throw new Error(`${name} did not get into the room; page shows: ${await page.locator('main').innerText()}`, { cause: err });
  }
  return page;
}

/** Show a tab of the room's side panel ("Chat", "Participants", "Polls", "Breakout groups"). */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.locator('.toolbar').waitFor(); // in the room, not still joining
  if ((await page.locator('aside.side').count()) === 0) {
    // The panel is closed: the toolbar opens it (on a phone, Polls and Breakout groups are under "More").
    const button = page.getByRole('button', { name: name === 'Chat' ? /^Chat/ : name, exact: name !== 'Chat' });
    if (await button.count()) await button.first().click();
    else {
      await page.getByRole('button', { name: 'More', exact: true }).click();
      await page.getByRole('menuitem', { name, exact: true }).click();
    }
  }
  // The tab may appear a moment later (a poll that is just opening).
  await page.getByRole('tab', { name, exact: true }).click();
  await page.locator(`[role="tab"][aria-selected="true"]`, { hasText: name }).waitFor();
}

/** A moderator's action for one person, from the "More actions for NAME" menu in the Participants tab. */
export async function personAction(page: Page, person: string, action: string): Promise<void> {
  await openTab(page, 'Participants');
  await page.getByRole('button', { name: `More actions for ${person}`, exact: true }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
}

/** Where browser tests write screenshots: docs/screenshots with AULA_SCREENSHOT=1 (the docs' pictures), else a temp dir. */
export function screenshotDir(): string {
  return process.env.AULA_SCREENSHOT ? path.resolve(import.meta.dirname, '../../docs/screenshots') : fs.mkdtempSync(path.join(os.tmpdir(), 'aula-shots-'));
}

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on what the page shows now: its serious and critical findings, one line each. */
export async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const result = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
  return (result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>)
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}
