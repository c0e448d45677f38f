// The Participants tab: room actions and the lobby for moderators, the raised
// hands in order (for those who may lower them), and everyone in the room with
// a search box. A moderator's actions for one person sit in one menu,
// "More actions for NAME"; Remove and End meeting ask first.
import { useState } from 'preact/hooks';
import { type PeerInfo, type Role, roles } from '../../../shared/protocol.js';
import { moderation } from '../actions.js';
import { can, nameOf, room, view } from '../store.js';
import type { Strings } from '../strings.js';
import { Icon } from './icon.js';
import { type MenuItem, MenuButton } from './menu.js';

function confirmThen(title: string, text: string, confirm: string, onConfirm: () => void) {
  view.dialog.value = { kind: 'confirm', title, text, confirm, onConfirm };
}

function RoomActions({ t }: { t: Strings }) {
  const [several, setSeveral] = useState(false);
  if (!['lockRoom', 'muteOthers', 'manageScreens', 'endMeeting'].some((p) => can(p as never))) return null;
  return (
    <div class="room-actions">
      {can('lockRoom') ? (
        <button type="button" onClick={() => void moderation.lock(!room.locked.value)}>
          <Icon name="lock" />
          {room.locked.value ? t.unlockRoom : t.lockRoom}
        </button>
      ) : null}
      {can('muteOthers') ? (
        <button type="button" onClick={() => void moderation.muteAll()}>
          <Icon name="micOff" />
          {t.muteAll}
        </button>
      ) : null}
      {can('manageScreens') ? (
        <button
          type="button"
          aria-pressed={several}
          onClick={() => {
            setSeveral(!several);
            void moderation.allowScreens(!several);
          }}
        >
          <Icon name="monitorUp" />
          {t.allowScreens}
        </button>
      ) : null}
      {can('endMeeting') ? (
        <button
          type="button"
          class="danger"
          onClick={() => confirmThen(t.endMeetingConfirmTitle, t.endMeetingConfirmText, t.endMeeting, () => void moderation.endMeeting())}
        >
          {t.endMeeting}
        </button>
      ) : null}
    </div>
  );
}

function Lobby({ t }: { t: Strings }) {
  const entries = room.lobby.value;
  if (!can('admitLobby') || entries.length === 0) return null;
  return (
    <section class="group">
      <h3>{t.lobbyTitle}</h3>
      <ul aria-label={t.lobbyTitle}>
        {entries.map((e) => (
          <li key={e.id} data-lobby-id={e.id} class="row">
            <span class="grow">{e.displayName}</span>
            <button type="button" class="primary" aria-label={`${t.admit} ${e.displayName}`} onClick={() => void moderation.admit(e.id)}>
              {t.admit}
            </button>
            <button type="button" aria-label={`${t.deny} ${e.displayName}`} onClick={() => void moderation.deny(e.id)}>
              {t.deny}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Hands({ t }: { t: Strings }) {
  const queue = room.hands.value.queue ?? [];
  if (!can('lowerHands') || queue.length === 0) return null;
  return (
    <section class="group">
      <h3>{t.handQueue}</h3>
      <ol aria-label={t.handQueue}>
        {queue.map((id) => (
          <li key={id} data-peer-id={id} class="row">
            <span class="grow">{nameOf(id) || '…'}</span>
            <button type="button" aria-label={t.lowerHandOf(nameOf(id))} onClick={() => void moderation.lowerHand(id)}>
              {t.lowerHand}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Spotlight for everyone, or remove it: also for oneself (a teacher who lectures). */
function spotlightItems(p: PeerInfo, t: Strings): MenuItem[] {
  if (!can('spotlight')) return [];
  return room.spotlight.value === p.id
    ? [{ label: t.removeSpotlight, name: t.removeSpotlightOf(p.displayName), onSelect: () => void moderation.spotlight(null) }]
    : [{ label: t.spotlightForAll, name: t.spotlightForAllOf(p.displayName), onSelect: () => void moderation.spotlight(p.id) }];
}

function actionsFor(p: PeerInfo, t: Strings): MenuItem[] {
  const items: MenuItem[] = spotlightItems(p, t);
  if (can('setRole')) {
    for (const role of roles.filter((r: Role) => r !== p.role)) {
      const label = t.makeRole(t.roleName[role] ?? role);
      items.push({ label, name: `${label}: ${p.displayName}`, onSelect: () => void moderation.setRole(p.id, role) });
    }
  }
  if (can('lowerHands') && room.hands.value.queue?.includes(p.id)) {
    items.push({ label: t.lowerHand, name: t.lowerHandOf(p.displayName), onSelect: () => void moderation.lowerHand(p.id) });
  }
  if (can('muteOthers')) {
    items.push(
      { label: t.mute, name: t.muteOf(p.displayName), onSelect: () => void moderation.mute(p.id, true) },
      { label: t.keepMuted, name: t.keepMutedOf(p.displayName), onSelect: () => void moderation.mute(p.id, false) },
      { label: t.stopCamera, name: t.stopCameraOf(p.displayName), onSelect: () => void moderation.stopCamera(p.id) },
    );
  }
  if (can('removeParticipant')) {
    items.push({
      label: t.remove,
      name: t.removeOf(p.displayName),
      danger: true,
      onSelect: () => confirmThen(t.removeConfirmTitle(p.displayName), t.removeConfirmText, t.remove, () => void moderation.remove(p.id)),
    });
  }
  return items;
}

export function PeoplePanel({ t }: { t: Strings }) {
  const [query, setQuery] = useState('');
  const people = [...room.people.value.values()];
  const q = query.trim().toLocaleLowerCase();
  const shown = q ? people.filter((p) => p.displayName.toLocaleLowerCase().includes(q)) : people;
  const selfId = room.selfId.value;
  return (
    <section class="people" aria-label={t.participantsTitle}>
      <RoomActions t={t} />
      {room.locked.value ? <p class="hint">{t.locked}</p> : null}
      <Lobby t={t} />
      <Hands t={t} />
      <div class="search">
        <Icon name="search" />
        <input type="search" aria-label={t.searchPeople} placeholder={t.searchPeople} value={query} onInput={(ev) => setQuery(ev.currentTarget.value)} />
      </div>
      <p class="hint" role="status">
        {t.participants(people.length)}
      </p>
      <ul class="people-list" aria-label={t.participantsTitle}>
        {shown.map((p) => {
          const items = p.id === selfId ? spotlightItems(p, t) : actionsFor(p, t);
          const media = room.media.value.get(p.id);
          const micOn = p.id === selfId ? room.local.value.mic === 'on' : media?.micOn;
          return (
            <li key={p.id} data-peer-id={p.id} class="row">
              <span class="avatar small" aria-hidden="true">
                {[...p.displayName][0]?.toUpperCase()}
              </span>
              <span class="grow person-name">
                {p.displayName}
                {p.id === selfId ? ` (${t.you})` : ''} <span class="role">({t.roleName[p.role] ?? p.role})</span>
              </span>
              {room.spotlight.value === p.id ? (
                <span title={t.spotlightBadge}>
                  <Icon name="spotlight" />
                  <span class="visually-hidden">{t.spotlightBadge}</span>
                </span>
              ) : null}
              {room.hands.value.queue?.includes(p.id) ? (
                <span title={t.handUp}>
                  <Icon name="hand" />
                  <span class="visually-hidden">{t.handUp}</span>
                </span>
              ) : null}
              {micOn ? null : (
                <span class="muted-icon" title={t.micOff}>
                  <Icon name="micOff" />
                  <span class="visually-hidden">{t.micOff}</span>
                </span>
              )}
              {items.length ? <MenuButton label={t.moreActionsFor(p.displayName)} items={items} /> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
