// Run by firefox.test.ts inside a network namespace of its own (Firefox
// gathers no loopback ICE candidates, see docs/TESTING-BROWSERS.md): a real
// aula server with media on 10.99.0.1, a Firefox ESR participant (puppeteer-core
// over WebDriver BiDi) and a Chromium participant (playwright-core) join one
// room through the UI, see and hear each other and chat. Prints one JSON line.
import puppeteer from 'puppeteer-core';
import { joinThroughUi, launchChromium, openTab } from '../helpers/browser.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

const FIREFOX = process.env.AULA_FIREFOX ?? '/usr/bin/firefox-esr';
const MEDIA_IP = process.env.AULA_TEST_MEDIA_IP ?? '10.99.0.1';

type Stat = { peerId: string; kind: string; packetsReceived: number; framesDecoded: number };

const result: Record<string, unknown> = {};
const server = await startTestServer({ media: { listenIp: MEDIA_IP, announcedAddress: MEDIA_IP } });
const chromium = await launchChromium();
const firefox = await puppeteer.launch({
  browser: 'firefox',
  executablePath: FIREFOX,
  headless: true,
  extraPrefsFirefox: {
    'media.navigator.streams.fake': true, // fake camera and microphone
    'media.navigator.permission.disabled': true, // no permission prompt
    'intl.accept_languages': 'en-US',
  },
});
try {
  const room = await server.rooms.create({ title: 'Cross-browser 10a' });
  const links = await server.links(room);
  const chrome = await joinThroughUi(chromium, `${server.url}${linkPath(links.moderator)}`, 'Chromium Chris');

  const ff = await firefox.newPage();
  const errors: string[] = [];
  ff.on('pageerror', (e) => errors.push(String(e)));
  await ff.setViewport({ width: 1280, height: 800 });
  await ff.goto(`${server.url}${linkPath(links.guest)}`);
  const aria = (role: string, name: string) => `::-p-aria([name="${name}"][role="${role}"])`;
  await ff.locator(aria('textbox', 'Display name')).fill('Firefox Fiona');
  for (const name of ['Camera', 'Microphone']) {
    await ff.locator(aria('switch', name)).click();
    await ff.waitForSelector(`[role="switch"][aria-checked="true"] ::-p-text(${name})`, { timeout: 30_000 });
  }
  await ff.locator(aria('button', 'Join')).click();
  await ff.waitForSelector(aria('button', 'Leave'), { timeout: 60_000 });
  result.firefoxJoined = true;

  const ffId = [...room.participants.values()].find((p) => p.displayName === 'Firefox Fiona')!.id;
  const chromeId = [...room.participants.values()].find((p) => p.displayName === 'Chromium Chris')!.id;
  const decodes = (stats: Stat[], peer: string) =>
    stats.some((s) => s.peerId === peer && s.kind === 'video' && s.framesDecoded > 0) &&
    stats.some((s) => s.peerId === peer && s.kind === 'audio' && s.packetsReceived > 0);
  await waitFor(async () => decodes(await ff.evaluate(() => (window as any).aula.stats() as Promise<Stat[]>), chromeId), 60_000, 'Firefox decodes Chromium');
  result.firefoxSeesAndHearsChromium = true;
  await waitFor(async () => decodes(await chrome.evaluate(() => (window as any).aula.stats() as Promise<Stat[]>), ffId), 60_000, 'Chromium decodes Firefox');
  result.chromiumSeesAndHearsFirefox = true;
  // What the person sees: the other's tile shows real frames.
  result.firefoxTileWidth = await ff.evaluate(
    (id) => document.querySelector<HTMLVideoElement>(`.tiles li[data-peer-id="${id}"] video`)?.videoWidth ?? 0,
    chromeId,
  );

  // Chat both ways.
  await ff.locator(aria('textbox', 'Message')).fill('Hallo from Firefox');
  await ff.locator(aria('button', 'Send')).click();
  await openTab(chrome, 'Chat');
  await chrome.getByRole('list', { name: 'Chat' }).getByText('Hallo from Firefox').waitFor({ timeout: 30_000 });
  await chrome.getByLabel('Message').fill('Hello from Chromium');
  await chrome.getByRole('button', { name: 'Send', exact: true }).click();
  await ff.waitForSelector('.chat-text ::-p-text(Hello from Chromium)', { timeout: 30_000 });
  result.chatBothWays = true;
  await ff.screenshot({ path: `${process.env.AULA_SHOTS_DIR ?? '/tmp'}/firefox-room.png` });
  await ff.locator(aria('button', 'Leave')).click();
  await ff.waitForSelector('::-p-text(You left the classroom.)', { timeout: 30_000 });
  result.left = true;
  result.pageErrors = errors;
} catch (err) {
  result.error = (err as Error).message;
} finally {
  await firefox.close().catch(() => undefined);
  await chromium.close().catch(() => undefined);
  await server.close().catch(() => undefined);
}
console.log(`AULA-RESULT ${JSON.stringify(result)}`);
process.exit(0);
