// The room screen: one tile per participant (video + name), the toolbar.
import type { MediaSource } from '../../shared/protocol.js';
import type { Strings } from './strings.js';

export interface Toolbar {
  mic: HTMLButtonElement;
  camera: HTMLButtonElement;
  rename: HTMLButtonElement;
  leave: HTMLButtonElement;
}

export class RoomView {
  readonly root = document.createElement('section');
  readonly toolbar: Toolbar;
  readonly side = document.createElement('div');
  private readonly lockedNote = document.createElement('p');
  private readonly tiles = document.createElement('ul');
  private readonly count = document.createElement('p');

  constructor(
    private readonly t: Strings,
    title: string,
  ) {
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
      rename: button(t.changeName),
      leave: button(t.leave),
    };
    bar.append(this.toolbar.mic, this.toolbar.camera, this.toolbar.rename, this.toolbar.leave);
    this.lockedNote.textContent = t.locked;
    this.lockedNote.hidden = true;
    this.side.className = 'side';
    const main = document.createElement('div');
    main.className = 'stage';
    main.append(this.tiles, this.side);
    this.root.append(h1, this.count, this.lockedNote, bar, main);
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
    this.tile(peerId)?.remove();
    this.updateCount();
  }

  setTrack(peerId: string, source: MediaSource, track: MediaStreamTrack | null): void {
    const tile = this.tile(peerId);
    if (!tile) return;
    const el = tile.querySelector(source === 'mic' ? 'audio' : 'video') as HTMLMediaElement;
    el.srcObject = track ? new MediaStream([track]) : null;
    if (track) void el.play().catch(() => undefined);
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
