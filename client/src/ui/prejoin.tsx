// The pre-join screen: display name, camera and microphone switches (off
// until the person turns them on: nothing is asked of the browser before;
// on from the start only for a moderator in a room that says so),
// a preview, device choice, a microphone level meter and a speaker test,
// language, privacy and recording notices.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Result } from '../../../shared/protocol.js';
import { levelMeter, openCamera, openMic } from '../local-media.js';
import { openProblemDialog, type ReportLink } from '../problem-dialog.js';
import { local } from '../storage.js';
import { LANGUAGES, type Strings } from '../strings.js';
import { DeviceSettings } from './devices.js';
import { Icon } from './icon.js';

export interface JoinChoice {
  displayName: string;
  recordingOptOut?: boolean;
  mic?: MediaStreamTrack;
  camera?: MediaStreamTrack;
}

interface Props {
  t: Strings;
  lang: string;
  hello: Result<'hello'>;
  link: ReportLink;
  /** Resolves when inside (or waiting); rejects with the message to show. */
  onJoin: (choice: JoinChoice) => Promise<void>;
}

function Switch({
  label,
  on,
  icon,
  offIcon,
  onToggle,
  disabled,
}: {
  label: string;
  on: boolean;
  icon: 'mic' | 'video';
  offIcon: 'micOff' | 'videoOff';
  onToggle: () => void;
  disabled: boolean;
}) {
  return (
    <button type="button" role="switch" aria-checked={on} class="switch" disabled={disabled} onClick={onToggle}>
      <Icon name={on ? icon : offIcon} />
      <span class="label">{label}</span>
      <span class="knob" aria-hidden="true" />
    </button>
  );
}

export function PreJoin({ t, lang, hello, link, onJoin }: Props) {
  const [name, setName] = useState(hello.prefillName ?? '');
  const [optOut, setOptOut] = useState(false);
  const [camera, setCamera] = useState<MediaStreamTrack | undefined>();
  const [mic, setMic] = useState<MediaStreamTrack | undefined>();
  const [level, setLevel] = useState(0);
  const [busy, setBusy] = useState<'camera' | 'mic' | null>(null);
  const [joining, setJoining] = useState(false);
  const [status, setStatus] = useState('');
  const [hint, setHint] = useState('');
  const preview = useRef<HTMLVideoElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const handedOver = useRef(false);

  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    const v = preview.current;
    if (!v) return;
    v.srcObject = camera ? new MediaStream([camera]) : null;
    if (camera) void v.play().catch(() => undefined);
  }, [camera]);
  useEffect(() => (mic ? levelMeter(mic, setLevel) : (setLevel(0), undefined)), [mic]);
  // Tracks not handed to the room are stopped when this screen goes.
  const tracks = useRef<{ camera?: MediaStreamTrack; mic?: MediaStreamTrack }>({});
  tracks.current = { camera, mic };
  const gone = useRef(false);
  useEffect(
    () => () => {
      gone.current = true;
      if (handedOver.current) return;
      tracks.current.camera?.stop();
      tracks.current.mic?.stop();
    },
    [],
  );

  const toggle = async (kind: 'camera' | 'mic') => {
    const current = kind === 'camera' ? camera : mic;
    const set = kind === 'camera' ? setCamera : setMic;
    if (current) {
      current.stop();
      set(undefined);
      return;
    }
    setBusy(kind);
    setHint('');
    try {
      const track = kind === 'camera' ? await openCamera() : await openMic();
      // Joined or gone meanwhile: a device nobody will use must not stay on.
      if (gone.current || handedOver.current) track.stop();
      else set(track);
    } catch {
      setHint(kind === 'camera' ? t.cameraUnavailable : t.micUnavailable);
    } finally {
      setBusy(null);
    }
  };
  // A room setting for moderators (hello.devicesOn): both switches start on, one after the other.
  useEffect(() => {
    if (!hello.devicesOn) return;
    void toggle('camera').then(() => (gone.current || handedOver.current ? undefined : toggle('mic')));
  }, []);
  /** Another device chosen: reopen the one that is on. */
  const restart = async (kind: 'camera' | 'mic' | 'speaker') => {
    if (kind === 'speaker') return;
    const current = kind === 'camera' ? camera : mic;
    if (!current) return;
    current.stop();
    try {
      if (kind === 'camera') setCamera(await openCamera(true));
      else setMic(await openMic(true));
    } catch {
      if (kind === 'camera') setCamera(undefined);
      else setMic(undefined);
    }
  };

  return (
    <main class="join-page">
      <form
        class="join card"
        method="post" // never GET: the name must not end up in a URL
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          const displayName = name.trim();
          if (!displayName) {
            setStatus(t.displayNameMissing);
            input.current?.focus();
            return;
          }
          setJoining(true);
          setStatus('');
          handedOver.current = true;
          onJoin({ displayName, ...(optOut ? { recordingOptOut: true } : {}), ...(mic ? { mic } : {}), ...(camera ? { camera } : {}) }).catch(
            (err: unknown) => {
              handedOver.current = false;
              setJoining(false);
              setStatus((err as Error).message);
            },
          );
        }}
      >
        <h1>{hello.title}</h1>
        <p class={hello.recordingActive ? 'recording-indicator' : 'hint'}>
          {hello.recordingActive ? t.recordingRunningJoin : hello.recording ? t.recorded : t.notRecorded}
        </p>
        {hello.recordingActive ? (
          // While a recording runs: the same choice as in the room, before joining.
          <label class="check">
            <input type="checkbox" id="recording-opt-out" checked={optOut} onChange={(ev) => setOptOut(ev.currentTarget.checked)} /> {t.leaveMeOut}
          </label>
        ) : null}
        <div class="preview-box" data-on={camera ? 'on' : 'off'}>
          <video ref={preview} class="preview" autoplay muted playsInline aria-label={t.preview} />
          {camera ? null : (
            <p class="preview-off">
              <Icon name="videoOff" />
              {t.cameraIsOff}
            </p>
          )}
        </div>
        <div class="switches">
          <Switch label={t.camera} on={!!camera} icon="video" offIcon="videoOff" disabled={busy !== null || joining} onToggle={() => void toggle('camera')} />
          <Switch label={t.microphone} on={!!mic} icon="mic" offIcon="micOff" disabled={busy !== null || joining} onToggle={() => void toggle('mic')} />
        </div>
        {mic ? (
          <div class="field">
            <label for="mic-level">{t.micLevel}</label>
            <meter id="mic-level" min={0} max={1} low={0.05} high={0.9} optimum={0.5} value={level} />
          </div>
        ) : null}
        <p class="hint">{hello.devicesOn ? t.devicesOnForModerators : t.devicesOffByDefault}</p>
        {hint ? (
          <p class="error" role="alert">
            {hint}
          </p>
        ) : null}
        <details class="device-details">
          <summary>
            <Icon name="settings" />
            {t.devicesTitle}
          </summary>
          <DeviceSettings t={t} onChange={(k) => void restart(k)} />
        </details>
        <label for="display-name">{t.displayName}</label>
        <input
          id="display-name"
          ref={input}
          name="displayName"
          autocomplete="nickname"
          maxLength={64}
          required
          aria-describedby="display-name-hint"
          value={name}
          onInput={(ev) => setName(ev.currentTarget.value)}
        />
        <p class="hint" id="display-name-hint">
          {t.displayNameHint}
        </p>
        <button type="submit" class="primary big" disabled={joining}>
          {joining ? t.joining : t.join}
        </button>
        <p class="error" role="alert">
          {status}
        </p>
        <p>
          <a href="/privacy">{t.privacyNotice}</a>
        </p>
      </form>
      <div class="join-extras">
        <div class="field inline">
          <label for="language">{t.language}</label>
          <select
            id="language"
            value={lang}
            onChange={(ev) => {
              local.setItem('aula-lang', ev.currentTarget.value);
              location.reload();
            }}
          >
            {LANGUAGES.map(([code, label]) => (
              <option key={code} value={code} lang={code}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="button" class="quiet" onClick={() => void openProblemDialog(t, link, 'join')}>
          <Icon name="flag" />
          {t.reportProblem}
        </button>
      </div>
    </main>
  );
}
