// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with
// fake camera and microphone. No browser is downloaded.
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.AULA_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
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
    ],
  });
}
