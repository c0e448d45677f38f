// The room: a header with the title and the room's state, the stage, the
// side panel, the bottom toolbar, dialogs, and the polite live region.
// Keyboard shortcuts use Alt + a letter, which screen readers leave alone.
import { useEffect, useState } from 'preact/hooks';
import { moderation, rename, request, toggleCamera, toggleHand, toggleMic } from '../actions.js';
import { openProblemDialog, type ReportLink } from '../problem-dialog.js';
import { conference } from '../room-controller.js';
import { can, myGroup, optedOut, room, type Tab, view } from '../store.js';
import type { Strings } from '../strings.js';
import { Confirm, Dialog } from './dialog.js';
import { DeviceSettings } from './devices.js';
import { Icon } from './icon.js';
import { SidePanel } from './side-panel.js';
import { Stage } from './stage.js';
import { QualityBars } from './tile.js';
import { Toolbar, togglePanel } from './toolbar.js';

export const SHORTCUTS = [
  { code: 'KeyM', keys: 'Alt+M', what: 'shortcutMic', run: () => void toggleMic() },
  { code: 'KeyC', keys: 'Alt+C', what: 'shortcutCamera', run: () => void toggleCamera() },
  { code: 'KeyH', keys: 'Alt+H', what: 'shortcutHand', run: () => void toggleHand() },
  { code: 'KeyT', keys: 'Alt+T', what: 'shortcutChat', run: () => focusOrToggle('chat', '#chat-input') },
  { code: 'KeyP', keys: 'Alt+P', what: 'shortcutPeople', run: () => focusOrToggle('people', '#tab-people') },
  { code: 'KeyK', keys: 'Alt+K', what: 'shortcutHelp', run: () => (view.dialog.value = { kind: 'shortcuts' }) },
] as const;

/** A panel shortcut: open the tab and go there; pressed again from inside it, close it. */
function focusOrToggle(tab: Tab, target: string): void {
  const inside = document.activeElement?.closest('.side');
  if (view.tab.value === tab && !inside) document.querySelector<HTMLElement>(target)?.focus();
  else togglePanel(tab);
}

function useShortcuts() {
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      if (!ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      const s = SHORTCUTS.find((x) => x.code === ev.code);
      if (!s) return;
      ev.preventDefault();
      s.run();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

function RenameDialog({ t }: { t: Strings }) {
  const [value, setValue] = useState(room.people.value.get(room.selfId.value)?.displayName ?? '');
  const [error, setError] = useState('');
  const close = () => (view.dialog.value = null);
  return (
    <Dialog title={t.changeName} onClose={close}>
      <form
        class="stack"
        onSubmit={async (ev) => {
          ev.preventDefault();
          try {
            await rename(value);
            close();
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <label for="rename-input">{t.newName}</label>
        <input id="rename-input" maxLength={64} value={value} onInput={(ev) => setValue(ev.currentTarget.value)} autofocus />
        <p class="error" role="alert">
          {error}
        </p>
        <div class="dialog-actions">
          <button type="button" onClick={close}>
            {t.cancel}
          </button>
          <button type="submit" class="primary">
            {t.saveName}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ShortcutsDialog({ t }: { t: Strings }) {
  const close = () => (view.dialog.value = null);
  return (
    <Dialog title={t.shortcutsTitle} onClose={close}>
      <p>{t.shortcutsIntro}</p>
      <dl class="shortcuts">
        {SHORTCUTS.map((s) => (
          <div key={s.code}>
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{t[s.what]}</dd>
          </div>
        ))}
        <div>
          <dt>
            <kbd>Esc</kbd>
          </dt>
          <dd>{t.shortcutEscape}</dd>
        </div>
      </dl>
      <div class="dialog-actions">
        <button type="button" class="primary" autofocus onClick={close}>
          {t.close}
        </button>
      </div>
    </Dialog>
  );
}

function Dialogs({ t }: { t: Strings }) {
  const d = view.dialog.value;
  const close = () => (view.dialog.value = null);
  if (!d) return null;
  if (d.kind === 'confirm') return <Confirm title={d.title} text={d.text} confirm={d.confirm} cancel={t.cancel} onConfirm={d.onConfirm} onClose={close} />;
  if (d.kind === 'rename') return <RenameDialog t={t} />;
  if (d.kind === 'devices')
    return (
      <Dialog title={t.devicesTitle} onClose={close}>
        <DeviceSettings t={t} live />
        <div class="dialog-actions">
          <button type="button" class="primary" onClick={close}>
            {t.close}
          </button>
        </div>
      </Dialog>
    );
  return <ShortcutsDialog t={t} />;
}

function Banners({ t }: { t: Strings }) {
  const group = room.breakout.value.groups.find((g) => g.id === myGroup.value);
  const endsAt = room.breakout.value.endsAt;
  const ends = endsAt ? ` ${t.breakoutEnds(new Date(endsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }))}` : '';
  return (
    <div class="banners">
      <p class="recording-indicator" role="status" hidden={!room.recording.value}>
        {room.recording.value ? (room.recordingCountdown.value ? t.recordingCountdown(room.recordingCountdown.value) : t.recordingNow) : ''}
      </p>
      {room.recording.value && optedOut.value ? <p class="banner recording-left-out">{t.leftOut}</p> : null}
      {group ? (
        <div class="banner breakout-banner">
          <p role="status">{`${t.youAreIn(group.name)}${ends}`}</p>
          <button type="button" onClick={() => void request('leaveGroup', {}).catch(() => undefined)}>
            {t.backToMain}
          </button>
        </div>
      ) : room.breakout.value.active && ends ? (
        <p class="banner">{ends.trim()}</p>
      ) : null}
      {can('admitLobby') && room.lobby.value.length > 0 && view.tab.value !== 'people' ? (
        <div class="banner lobby-banner" role="region" aria-label={t.lobbyTitle}>
          {room.lobby.value.slice(0, 3).map((e) => (
            <span key={e.id} class="row">
              <span>{t.waitingInLobby(e.displayName)}</span>
              <button type="button" class="primary" aria-label={`${t.admit} ${e.displayName}`} onClick={() => void moderation.admit(e.id)}>
                {t.admit}
              </button>
              <button type="button" aria-label={`${t.deny} ${e.displayName}`} onClick={() => void moderation.deny(e.id)}>
                {t.deny}
              </button>
            </span>
          ))}
          {room.lobby.value.length > 3 ? (
            <button type="button" onClick={() => togglePanel('people')}>
              {t.lobbyMore(room.lobby.value.length - 3)}
            </button>
          ) : null}
        </div>
      ) : null}
      <div class="notice-wrap" hidden={!room.notice.value}>
        <p class="notice" role="status">
          {room.notice.value}
        </p>
        {room.notice.value ? (
          <button type="button" class="icon-button" aria-label={t.dismiss} title={t.dismiss} onClick={() => (room.notice.value = '')}>
            <Icon name="x" />
          </button>
        ) : null}
      </div>
    </div>
  );
}

export function Room({ t, link }: { t: Strings; link: ReportLink }) {
  useShortcuts();
  const hands = room.hands.value.count;
  const count = [...room.people.value.values()].length;
  return (
    <div class="room" data-panel={view.tab.value ? 'open' : 'closed'}>
      <header class="room-head">
        <h1>{room.title.value}</h1>
        <p class="chip" role="status">
          <Icon name="users" />
          {t.participants(count)}
        </p>
        <p class="chip" aria-live="polite" hidden={hands === 0}>
          <Icon name="hand" />
          {t.hands(hands)}
        </p>
        {room.locked.value ? (
          <p class="chip">
            <Icon name="lock" />
            {t.locked}
          </p>
        ) : null}
        <span class="spacer" />
        <span class="chip self-quality">
          <QualityBars level={room.selfQuality.value} t={t} />
          {view.audioOnly.value ? t.audioOnlyOn : null}
        </span>
        <button type="button" class="quiet" onClick={() => void openProblemDialog(t, link, 'room', conference())}>
          <Icon name="flag" />
          <span class="label">{t.reportProblem}</span>
        </button>
      </header>
      <Banners t={t} />
      <main class="room-main" id="main">
        <Stage t={t} />
        <SidePanel t={t} />
      </main>
      <Toolbar t={t} />
      <Dialogs t={t} />
      <div class="visually-hidden" aria-live="polite" role="log">
        {room.announcements.value.map((a) => (
          <p key={a.id}>{a.text}</p>
        ))}
      </div>
    </div>
  );
}
