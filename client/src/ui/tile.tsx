// One person on the stage: video (or their initial), name, microphone state,
// raised hand, connection bars, and a pin button. Remote videos report their
// size and visibility so the server sends only the layer that fits, or nothing.
import { useEffect, useRef } from 'preact/hooks';
import type { MediaSource, PeerInfo } from '../../../shared/protocol.js';
import { conference } from '../room-controller.js';
import { type Quality, room, view } from '../store.js';
import type { Strings } from '../strings.js';
import { Icon } from './icon.js';

/** Attach a track to a media element, and tell the server what a remote video needs. */
export function useVideo(track: MediaStreamTrack | undefined, peerId: string, source: MediaSource, remote: boolean) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current!;
    video.srcObject = track ? new MediaStream([track]) : null;
    if (track) void video.play().catch(() => undefined);
  }, [track]);
  useEffect(() => {
    if (!remote) return;
    const video = ref.current!;
    let visible = true;
    const report = () => conference()?.setVisibility(peerId, source, video.clientWidth, visible && video.isConnected);
    const resize = new ResizeObserver(report);
    const intersect = new IntersectionObserver((entries) => {
      for (const e of entries) visible = e.isIntersecting;
      report();
    });
    resize.observe(video);
    intersect.observe(video);
    report(); // a new track needs its layer chosen now, not at the next resize
    return () => {
      resize.disconnect();
      intersect.disconnect();
      conference()?.setVisibility(peerId, source, 0, false);
    };
  }, [track, peerId, source, remote]);
  return ref;
}

export function QualityBars({ level, t }: { level: Quality; t: Strings }) {
  if (!level) return null;
  return (
    <span class="quality" data-level={level} title={t.quality[level]}>
      <span class="bar" />
      <span class="bar" />
      <span class="bar" />
      <span class="visually-hidden">{t.quality[level]}</span>
    </span>
  );
}

interface TileProps {
  peer: PeerInfo;
  t: Strings;
  featured?: boolean;
}

export function Tile({ peer, t, featured = false }: TileProps) {
  const isSelf = peer.id === room.selfId.value;
  const media = room.media.value.get(peer.id);
  const track = view.audioOnly.value && !isSelf ? undefined : media?.camera;
  const ref = useVideo(track, peer.id, 'camera', !isSelf);
  const speaking = room.activeSpeaker.value === peer.id;
  const micOn = isSelf ? room.local.value.mic === 'on' : media?.micOn === true;
  const hand = room.hands.value.queue?.includes(peer.id) || (isSelf && room.hands.value.mine);
  const pinned = view.pin.value === peer.id;
  const spotlit = room.spotlight.value === peer.id;
  const quality = isSelf ? room.selfQuality.value : (room.quality.value.get(peer.id) ?? 0);
  const name = isSelf ? `${peer.displayName} (${t.you})` : peer.displayName;
  return (
    <li
      class="tile"
      data-peer-id={peer.id}
      data-self={isSelf || undefined}
      data-video={track ? 'on' : 'off'}
      data-featured={featured || undefined}
      data-speaking={speaking || undefined}
      data-spotlight={spotlit || undefined}
      aria-label={peer.displayName}
    >
      <video ref={ref} autoplay playsInline muted data-source="camera" />
      <span class="avatar" aria-hidden="true">
        {[...peer.displayName][0]?.toUpperCase()}
      </span>
      <span class="tile-bar">
        {micOn ? null : (
          <span class="mic-off">
            <Icon name="micOff" />
            <span class="visually-hidden">{t.micOff}</span>
          </span>
        )}
        {spotlit ? (
          <span class="spotlight-badge" title={t.spotlightBadge}>
            <Icon name="spotlight" />
            <span class="visually-hidden">{t.spotlightBadge}</span>
          </span>
        ) : null}
        <span class="name">{name}</span>
        {hand ? (
          <span class="hand-badge" title={t.handUp}>
            <Icon name="hand" />
            <span class="visually-hidden">{t.handUp}</span>
          </span>
        ) : null}
        <QualityBars level={quality} t={t} />
      </span>
      {speaking ? <span class="visually-hidden">{t.speaking}</span> : null}
      {room.recording.value && peer.recordingOptOut ? <span class="not-recorded">{t.notRecordedBadge}</span> : null}
      <button
        type="button"
        class="pin icon-button"
        aria-pressed={pinned}
        aria-label={t.pinOf(peer.displayName)}
        title={t.pinOf(peer.displayName)}
        onClick={() => {
          view.pin.value = pinned ? null : peer.id;
          if (!pinned) view.layout.value = 'speaker';
        }}
      >
        <Icon name="pin" />
      </button>
    </li>
  );
}
