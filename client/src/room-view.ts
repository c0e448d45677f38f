// The room screen: one tile per participant (video + name), the toolbar.
import type { MediaSource } from '../../shared/protocol.js';
import type { Strings } from './strings.js';

export interface Toolbar {
  mic: HTMLButtonElement;
  camera: HTMLButtonElement;
  hand: HTMLButtonElement;
  screen: HTMLButtonElement;
  rename: HTMLButtonElement;
  leave: HTMLButtonElement;
}

/** Called when a remote video's tile changes size or scrolls in or out of view. */
export type VisibilityListener = (peerId: string, source: MediaSource, width: number, visible: boolean) => void;

export class RoomView {
  readonly root = document.createElement('section');
  readonly toolbar: Toolbar;
  readonly side = document.createElement('div');
  private readonly lockedNote = document.createElement('p');
  private readonly tiles = document.createElement('ul');
  private readonly screens = document.createElement('div');
  private readonly count = document.createElement('p');
  readonly handCount = document.createElement('p');
  readonly notice = document.createElement('p');
  private readonly resize: ResizeObserver;
  private readonly intersect: IntersectionObserver;
  private readonly visible = new WeakMap<Element, boolean>();

  constructor(
    private readonly t: Strings,
    title: string,
    private readonly onVisibility: VisibilityListener = () => undefined,
  ) {
    this.resize = new ResizeObserver((entries) => entries.forEach((e) => this.report(e.target)));
    this.intersect = new IntersectionObserver((entries) =>
      entries.forEach((e) => {
        this.visible.set(e.target, e.isIntersecting);
        this.report(e.target);
      }),
    );
    const h1 = document.createElement('h1');
    h1.textContent = title;
    this.count.setAttribute('role', 'status');
    this.tiles.className = 'tiles';
    this.tiles.setAttribute('aria-label', 'participants');
    const bar = document.createElement('div');
    bar.className = 'toolbar';
    bar.setAttribute('role', 'toolbar');
    this.toolbar = {
      mic: button(t.muteMic),
      camera: button(t.stopCamera),
      hand: button(t.raiseHand),
      screen: button(t.shareScreen),
      rename: button(t.changeName),
      leave: button(t.leave),
    };
    const tb = this.toolbar;
    bar.append(tb.mic, tb.camera, tb.hand, tb.screen, tb.rename, tb.leave);
    this.handCount.setAttribute('aria-live', 'polite');
    this.handCount.textContent = t.hands(0);
    this.notice.setAttribute('role', 'status');
    this.notice.className = 'notice';
    this.screens.className = 'screens';
    this.lockedNote.textContent = t.locked;
    this.lockedNote.hidden = true;
    this.side.className = 'side';
    const main = document.createElement('div');
    main.className = 'stage';
    const stage = document.createElement('div');
    stage.append(this.screens, this.tiles);
    main.append(stage, this.side);
    this.root.append(h1, this.count, this.handCount, this.lockedNote, this.notice, bar, main);
  }

  addTile(peerId: string, displayName: string, isSelf: boolean): void {
    if (this.tile(peerId)) return;
    const li = document.createElement('li');
    li.className = 'tile';
    li.dataset.peerId = peerId;
    li.setAttribute('aria-label', displayName);
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = true; // sound plays through the separate audio element
    video.dataset.source = 'camera';
    if (!isSelf) this.watch(video);
    const audio = document.createElement('audio');
    audio.autoplay = true;
    const name = document.createElement('span');
    name.className = 'name';
    // textContent, never innerHTML: a display name is untrusted input.
    name.textContent = isSelf ? `${displayName} (${this.t.you})` : displayName;
    li.append(video, audio, name);
    this.tiles.append(li);
    this.updateCount();
  }

  renameTile(peerId: string, displayName: string, isSelf: boolean): void {
    const tile = this.tile(peerId);
    if (!tile) return;
    tile.setAttribute('aria-label', displayName);
    tile.querySelector('.name')!.textContent = isSelf ? `${displayName} (${this.t.you})` : displayName;
  }

  removeTile(peerId: string): void {
    const tile = this.tile(peerId);
    if (tile) this.unwatch(tile);
    tile?.remove();
    this.updateCount();
  }

  /** The room is over: stop observing, let go of every stream. */
  dispose(): void {
    this.resize.disconnect();
    this.intersect.disconnect();
    for (const el of this.root.querySelectorAll<HTMLMediaElement>('video, audio')) el.srcObject = null;
  }

  private unwatch(container: Element): void {
    for (const el of container.querySelectorAll<HTMLMediaElement>('video, audio')) {
      this.resize.unobserve(el);
      this.intersect.unobserve(el);
      el.srcObject = null;
    }
  }

  setTrack(peerId: string, source: MediaSource, track: MediaStreamTrack | null): void {
    if (source === 'screen') return this.setScreen(peerId, track);
    const tile = this.tile(peerId);
    if (!tile) return;
    const el = tile.querySelector(source === 'mic' ? 'audio' : 'video') as HTMLMediaElement;
    el.srcObject = track ? new MediaStream([track]) : null;
    if (track) void el.play().catch(() => undefined);
    // A new remote video needs its layer chosen now, not at the next resize.
    if (track && source === 'camera') this.report(el);
  }

  /** Screen shares are shown large, above the grid. */
  private setScreen(peerId: string, track: MediaStreamTrack | null): void {
    let fig = this.screens.querySelector<HTMLElement>(`figure[data-peer-id="${CSS.escape(peerId)}"]`);
    if (!track) {
      if (fig) this.unwatch(fig);
      fig?.remove();
      return;
    }
    if (!fig) {
      fig = document.createElement('figure');
      fig.className = 'screen';
      fig.dataset.peerId = peerId;
      const video = document.createElement('video');
      video.autoplay = true;
      video.playsInline = true;
      video.muted = true;
      video.dataset.source = 'screen';
      const caption = document.createElement('figcaption');
      const name = this.tile(peerId)?.getAttribute('aria-label') ?? '';
      caption.textContent = this.t.screenOf(name);
      fig.setAttribute('aria-label', this.t.screenOf(name));
      fig.append(video, caption);
      this.screens.append(fig);
      this.watch(video);
    }
    const video = fig.querySelector('video')!;
    video.srcObject = new MediaStream([track]);
    void video.play().catch(() => undefined);
    this.report(video);
  }

  setSpeaking(peerId: string | null): void {
    for (const li of this.tiles.querySelectorAll<HTMLElement>('li.tile')) {
      const speaking = li.dataset.peerId === peerId;
      li.classList.toggle('speaking', speaking);
      const badge = li.querySelector('.speaking-badge');
      if (speaking && !badge) {
        const b = document.createElement('span');
        b.className = 'speaking-badge visually-hidden';
        b.textContent = this.t.speaking;
        li.append(b);
      } else if (!speaking) badge?.remove();
    }
  }

  private watch(video: HTMLVideoElement): void {
    this.resize.observe(video);
    this.intersect.observe(video);
  }

  private report(el: Element): void {
    const video = el as HTMLVideoElement;
    const peerId = video.closest<HTMLElement>('[data-peer-id]')?.dataset.peerId;
    if (!peerId || !video.isConnected) return;
    this.onVisibility(peerId, video.dataset.source as MediaSource, video.clientWidth, this.visible.get(el) ?? true);
  }

  setMicState(peerId: string, on: boolean): void {
    const tile = this.tile(peerId);
    if (!tile) return;
    let badge = tile.querySelector('.mic-off');
    if (on) badge?.remove();
    else if (!badge) {
      badge = document.createElement('span');
      badge.className = 'mic-off';
      badge.textContent = this.t.micOff;
      tile.append(badge);
    }
  }

  setLocked(locked: boolean): void {
    this.lockedNote.hidden = !locked;
  }

  private tile(peerId: string): HTMLElement | null {
    return this.tiles.querySelector(`li[data-peer-id="${CSS.escape(peerId)}"]`);
  }

  private updateCount(): void {
    this.count.textContent = this.t.participants(this.tiles.children.length);
  }
}

export function button(label: string, className = ''): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (className) b.className = className;
  return b;
}
