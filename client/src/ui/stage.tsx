// The stage: a gallery in pages sized to the space there is, a speaker view
// (one person large, the others in a strip), or, while someone shares a
// screen, the screen large with the class in a filmstrip beside or below it.
// A moderator's spotlight puts its person large for everyone, in the speaker
// layout; a person's own pin, made while it lasts, wins for them.
// Videos of people not on the current page are paused on the server.
import { useEffect, useRef } from 'preact/hooks';
import type { PeerInfo } from '../../../shared/protocol.js';
import { applySpeaker } from '../local-media.js';
import { conference } from '../room-controller.js';
import { nameOf, onStage, room, screens, view } from '../store.js';
import type { Strings } from '../strings.js';
import { presenting as slidesShown } from '../slides/state.js';
import { Icon } from './icon.js';
import { SlidesStage } from './slides.js';
import { Tile, useVideo } from './tile.js';
import { useSize } from './use-size.js';

const GAP = 8;
const ASPECT = 16 / 9;

/** How many tiles of at least `minW` pixels fit, and the column count that makes `n` of them largest. */
export function fit(w: number, h: number, minW: number, n?: number): { perPage: number; cols: number; tileW: number } {
  const minH = minW / ASPECT;
  const cols = Math.max(1, Math.floor((w + GAP) / (minW + GAP)));
  const rows = Math.max(1, Math.floor((h + GAP) / (minH + GAP)));
  const perPage = Math.min(25, cols * rows);
  const count = Math.max(1, Math.min(n ?? perPage, perPage));
  let best = 1;
  let bestW = 0;
  for (let c = 1; c <= count; c++) {
    const r = Math.ceil(count / c);
    const tileW = Math.min((w - GAP * (c - 1)) / c, ((h - GAP * (r - 1)) / r) * ASPECT);
    if (tileW > bestW) {
      bestW = tileW;
      best = c;
    }
  }
  return { perPage, cols: best, tileW: Math.floor(bestW) };
}

function Screen({ peerId, track, t }: { peerId: string; track: MediaStreamTrack; t: Strings }) {
  const remote = peerId !== room.selfId.value;
  const ref = useVideo(track, peerId, 'screen', remote);
  const label = t.screenOf(nameOf(peerId));
  return (
    <figure class="screen" data-peer-id={peerId} aria-label={label}>
      <video ref={ref} autoplay playsInline muted data-source="screen" />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

function Pager({ page, pages, t }: { page: number; pages: number; t: Strings }) {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t.pages}>
      <button
        type="button"
        class="icon-button"
        aria-label={t.previousPage}
        title={t.previousPage}
        disabled={page === 0}
        onClick={() => (view.page.value = page - 1)}
      >
        <Icon name="chevronLeft" />
      </button>
      <span role="status">{t.pageOf(page + 1, pages)}</span>
      <button
        type="button"
        class="icon-button"
        aria-label={t.nextPage}
        title={t.nextPage}
        disabled={page >= pages - 1}
        onClick={() => (view.page.value = page + 1)}
      >
        <Icon name="chevronRight" />
      </button>
    </nav>
  );
}

/** Everyone's sound, whatever page is shown (one hidden audio element per person). */
function Sound() {
  return (
    <div class="sound" aria-hidden="true">
      {[...room.media.value].map(([peerId, m]) => (m.mic && peerId !== room.selfId.value ? <PeerAudio key={peerId} track={m.mic} /> : null))}
    </div>
  );
}

function PeerAudio({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current!;
    el.srcObject = new MediaStream([track]);
    applySpeaker(el);
    void el.play().catch(() => undefined);
  }, [track]);
  return <audio ref={ref} autoplay />;
}

export function Stage({ t }: { t: Strings }) {
  const [ref, size] = useSize<HTMLDivElement>();
  const people = onStage.value;
  const shared = screens.value;
  // Slides or a whiteboard take the main area; a shared screen otherwise.
  const slidesOn = slidesShown.value;
  const presenting = shared.length > 0 || slidesOn;
  const here = (id: string | null) => (id && people.some((p) => p.id === id) ? id : null);
  // Someone in another breakout group is not on this stage, nor is their spotlight.
  const spotlight = here(room.spotlight.value);
  const pin = here(view.pin.value);
  const speakerView = !presenting && people.length > 1 && (spotlight !== null || view.layout.value === 'speaker');
  const featuredId = speakerView
    ? (pin ??
      spotlight ??
      (room.activeSpeaker.value && room.activeSpeaker.value !== room.selfId.value ? room.activeSpeaker.value : null) ??
      people.find((p) => p.id !== room.selfId.value)?.id ??
      null)
    : null;
  const featured = people.find((p) => p.id === featuredId);
  // Pinned first, then the spotlight, then oneself, then the others in the order they came.
  const ordered: PeerInfo[] = [...people].sort((a, b) => rank(a) - rank(b));
  function rank(p: PeerInfo) {
    return p.id === pin ? 0 : p.id === spotlight ? 1 : p.id === room.selfId.value ? 2 : 3;
  }
  const strip = presenting || speakerView;
  const wide = size.w >= size.h * 1.3;
  const stripBox = strip ? (wide ? { w: Math.min(240, size.w * 0.22), h: size.h } : { w: size.w, h: Math.min(150, size.h * 0.25) }) : size;
  const others = featured ? ordered.filter((p) => p.id !== featured.id) : ordered;
  const minW = size.w < 600 ? 150 : 200;
  const { perPage } = strip
    ? {
        perPage: Math.max(
          1,
          wide ? Math.floor((stripBox.h + GAP) / (stripBox.w / ASPECT + GAP)) : Math.floor((stripBox.w + GAP) / (stripBox.h * ASPECT + GAP)),
        ),
      }
    : fit(size.w, size.h - 48, minW);
  const pages = Math.max(1, Math.ceil(others.length / Math.max(1, perPage)));
  const page = Math.min(view.page.value, pages - 1);
  const shown = size.w ? others.slice(page * perPage, (page + 1) * perPage) : others;
  const grid = fit(size.w, size.h - (pages > 1 ? 48 : 0), minW, shown.length);

  // Those not shown receive nothing: their videos are paused on the server.
  useEffect(() => {
    const visible = new Set(shown.map((p) => p.id));
    if (featured) visible.add(featured.id);
    for (const p of people) if (!visible.has(p.id)) conference()?.setVisibility(p.id, 'camera', 0, false);
  });

  const list = useRef<HTMLUListElement>(null);
  // CSSOM custom properties, not style attributes: the CSP allows no inline styles.
  useEffect(() => {
    const el = list.current;
    if (!el) return;
    if (strip) {
      el.style.removeProperty('--cols');
      el.style.removeProperty('--tile-w');
    } else {
      el.style.setProperty('--cols', String(grid.cols));
      el.style.setProperty('--tile-w', `${grid.tileW}px`);
    }
  }, [strip, grid.cols, grid.tileW]);

  return (
    <div
      class="stage"
      ref={ref}
      data-layout={presenting ? 'presentation' : speakerView ? 'speaker' : 'gallery'}
      data-spotlight={spotlight && featuredId === spotlight ? 'on' : undefined}
      data-strip={strip ? (wide ? 'side' : 'below') : undefined}
    >
      <Sound />
      {slidesOn ? (
        <div class="main-area">
          <SlidesStage />
        </div>
      ) : presenting ? (
        <div class="main-area screens">
          {shared.map((s) => (
            <Screen key={s.peerId} peerId={s.peerId} track={s.track} t={t} />
          ))}
        </div>
      ) : featured ? (
        <ul class="main-area tiles featured-list" aria-label={t.speakerView}>
          <Tile peer={featured} t={t} featured />
        </ul>
      ) : null}
      <div class="tiles-area">
        <ul class="tiles" ref={list} aria-label={t.tilesLabel} data-page-size={perPage}>
          {shown.map((p) => (
            <Tile key={p.id} peer={p} t={t} />
          ))}
        </ul>
        <Pager page={page} pages={pages} t={t} />
      </div>
    </div>
  );
}
