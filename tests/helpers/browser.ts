// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with
// fake camera and microphone. No browser is downloaded.
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

/** `extraArgs`: e.g. --use-file-for-fake-video-capture=<y4m> for a camera picture of the test's choosing. */
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

/** Open a room link in a new context and join through the join page, as a person would. */
export async function joinThroughUi(
  browser: Browser,
  url: string,
  name: string,
  options: { locale?: string; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const locale = options.locale ?? 'en-US';
  const de = locale.startsWith('de');
  const context = await browser.newContext({ locale, ...(options.viewport ? { viewport: options.viewport } : {}) });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel(de ? 'Anzeigename' : 'Display name').fill(name);
  await page.getByRole('button', { name: de ? 'Beitreten' : 'Join' }).click();
  try {
    await page.getByRole('button', { name: de ? 'Verlassen' : 'Leave', exact: true }).waitFor({ timeout: 20_000 });
  } catch (err) {
    throw new Error(`${name} did not get into the room; page shows: ${await page.locator('main').innerText()}`, { cause: err });
  }
  return page;
}
