// The bottom toolbar: icons with text, the names people and tests rely on
// ("Mute microphone", "Raise hand", "Share screen", "Leave", ...). Controls
// appear only for what this person's role allows; on a phone the less
// frequent ones move into "More".
import { leave, setAudioOnly, toggleCamera, toggleHand, toggleMic, toggleRecording, toggleRecordingOptOut, toggleScreen } from '../actions.js';
import { can, optedOut, room, type Tab, view } from '../store.js';
import type { Strings } from '../strings.js';
import { narrow } from './layout-state.js';
import { presenting as slidesShown, startWhiteboard } from '../slides/state.js';
import { slideStrings } from '../slides/strings.js';
import { Icon, type IconName } from './icon.js';
import { pickSlides, PresentButtons } from './present-buttons.js';
import { type MenuItem, MenuButton } from './menu.js';

interface ButtonProps {
  icon: IconName;
  label: string;
  onClick: () => void;
  pressed?: boolean;
  expanded?: boolean;
  disabled?: boolean;
  badge?: { count: number; text: string };
  class?: string;
  shortcut?: string;
}

function ToolButton({ icon, label, onClick, pressed, expanded, disabled, badge, class: cls = '', shortcut }: ButtonProps) {
  return (
    <button
      type="button"
      class={`tool ${cls}`}
      aria-pressed={pressed}
      aria-expanded={expanded}
      aria-keyshortcuts={shortcut}
      disabled={disabled}
      title={label}
      onClick={onClick}
    >
      <Icon name={icon} />
      <span class="label">{label}</span>
      {badge && badge.count > 0 ? (
        <span class="badge">
          {badge.count}
          <span class="visually-hidden"> {badge.text}</span>
        </span>
      ) : null}
    </button>
  );
}

/**
 * Open a tab of the side panel (or close it if it is open): focus moves into
 * it (the message box for the chat), and back to where it came from on close.
 */
export function togglePanel(tab: Tab): void {
  const opening = view.tab.value !== tab;
  if (opening && !view.tab.value) opener = document.activeElement as HTMLElement | null;
  view.tab.value = opening ? tab : null;
  if (view.tab.value === 'chat') room.unread.value = 0;
  requestAnimationFrame(() => {
    if (opening) document.querySelector<HTMLElement>(tab === 'chat' ? '#chat-input' : `#tab-${tab}`)?.focus();
    else returnFocus();
  });
}

let opener: HTMLElement | null = null;

/** After the panel closed: back to the control that opened it, or the toolbar. */
export function returnFocus(): void {
  const target = opener?.isConnected ? opener : document.querySelector<HTMLElement>('.toolbar .tool');
  opener = null;
  target?.focus();
}

export function Toolbar({ t }: { t: Strings }) {
  const local = room.local.value;
  const micLive = local.mic === 'on';
  const small = narrow.value;
  const canShare = can('shareScreen') && !!navigator.mediaDevices?.getDisplayMedia;
  const canRecord = can('record') && room.recordingAllowed.value;
  const showPolls = can('managePolls') || !!room.poll.value;
  const showBreakout = can('manageBreakout');
  const tab = view.tab.value;
  const canPresent = can('present') && !slidesShown.value;
  const s = slideStrings();

  const more: MenuItem[] = [];
  if (small && canShare) more.push({ label: local.screen ? t.stopSharing : t.shareScreen, onSelect: () => void toggleScreen() });
  if (small && canPresent) more.push({ label: s.uploadSlides, onSelect: pickSlides }, { label: s.whiteboard, onSelect: () => void startWhiteboard() });
  if (small && canRecord) more.push({ label: room.recording.value ? t.stopRecording : t.startRecording, onSelect: () => void toggleRecording() });
  const out = optedOut.value;
  if (small && room.recording.value) more.push({ label: out ? t.includeMe : t.leaveMeOut, onSelect: () => void toggleRecordingOptOut(!out) });
  if (small) more.push({ label: t.participantsTitle, onSelect: () => togglePanel('people') });
  if (small && showPolls) more.push({ label: t.pollsTab, onSelect: () => togglePanel('polls') });
  if (small && showBreakout) more.push({ label: t.breakoutTitle, onSelect: () => togglePanel('breakout') });
  more.push(
    { label: t.galleryView, checked: view.layout.value === 'gallery', onSelect: () => (view.layout.value = 'gallery') },
    { label: t.speakerView, checked: view.layout.value === 'speaker', onSelect: () => (view.layout.value = 'speaker') },
    { label: t.audioOnly, checked: view.audioOnly.value, onSelect: () => setAudioOnly(!view.audioOnly.value) },
    { label: t.devicesTitle, onSelect: () => (view.dialog.value = { kind: 'devices' }) },
  );
  if (can('rename')) more.push({ label: t.changeName, onSelect: () => (view.dialog.value = { kind: 'rename' }) });
  more.push({ label: t.shortcutsTitle, onSelect: () => (view.dialog.value = { kind: 'shortcuts' }) });

  return (
    <div class="toolbar" role="toolbar" aria-label={t.toolbar}>
      <div class="tool-group">
        <ToolButton
          icon={micLive ? 'mic' : 'micOff'}
          label={micLive ? t.muteMic : t.unmuteMic}
          class={micLive ? '' : 'off'}
          disabled={local.busy || (local.mic === 'muted' && !local.mayUnmute)}
          onClick={() => void toggleMic()}
          shortcut="Alt+M"
        />
        <ToolButton
          icon={local.camera ? 'video' : 'videoOff'}
          label={local.camera ? t.stopCamera : t.startCamera}
          class={local.camera ? '' : 'off'}
          disabled={local.busy}
          onClick={() => void toggleCamera()}
          shortcut="Alt+C"
        />
        {can('raiseHand') ? (
          <ToolButton
            icon="hand"
            label={room.hands.value.mine ? t.lowerHand : t.raiseHand}
            class={room.hands.value.mine ? 'active' : ''}
            onClick={() => void toggleHand()}
            shortcut="Alt+H"
          />
        ) : null}
        {canShare && !small ? (
          <ToolButton
            icon={local.screen ? 'monitorX' : 'monitorUp'}
            label={local.screen ? t.stopSharing : t.shareScreen}
            class={local.screen ? 'active' : ''}
            onClick={() => void toggleScreen()}
          />
        ) : null}
        {canPresent ? <PresentButtons compact={small} /> : null}
        {canRecord && !small ? (
          <ToolButton
            icon="circleDot"
            label={room.recording.value ? t.stopRecording : t.startRecording}
            class={room.recording.value ? 'active rec' : ''}
            onClick={() => void toggleRecording()}
          />
        ) : null}
        {room.recording.value && !small ? (
          <ToolButton
            icon="circleDot"
            label={out ? t.includeMe : t.leaveMeOut}
            class={out ? 'active' : ''}
            pressed={out}
            onClick={() => void toggleRecordingOptOut(!out)}
          />
        ) : null}
      </div>
      <div class="tool-group">
        <ToolButton
          icon="message"
          label={t.chatTitle}
          expanded={tab === 'chat'}
          badge={{ count: room.unread.value, text: t.unread }}
          onClick={() => togglePanel('chat')}
          shortcut="Alt+T"
        />
        {!small ? (
          <ToolButton icon="users" label={t.participantsTitle} expanded={tab === 'people'} onClick={() => togglePanel('people')} shortcut="Alt+P" />
        ) : null}
        <MenuButton label={t.more} text={t.more} icon="ellipsis" items={more} class="tool" up />
      </div>
      <div class="tool-group end">
        <ToolButton icon="phoneOff" label={t.leave} class="leave" onClick={() => void leave()} />
      </div>
    </div>
  );
}
