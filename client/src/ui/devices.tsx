// Choosing camera, microphone and speaker (remembered in this browser), and
// a test sound. Before the first permission grant browsers hide device
// names, so the lists fill in once a device has been turned on.
import { useEffect } from 'preact/hooks';
import { switchDevice } from '../actions.js';
import { choose, type DeviceChoice, devices, playTestSound, refreshDevices } from '../local-media.js';
import type { Strings } from '../strings.js';
import { Icon } from './icon.js';

interface Props {
  t: Strings;
  /** In the room: a change switches the device being sent. */
  live?: boolean;
  /** Called after a choice in the pre-join screen (to restart the preview). */
  onChange?: (kind: keyof DeviceChoice) => void;
}

const KINDS: Array<[keyof DeviceChoice, MediaDeviceKind]> = [
  ['camera', 'videoinput'],
  ['mic', 'audioinput'],
  ['speaker', 'audiooutput'],
];

export function DeviceSettings({ t, live = false, onChange }: Props) {
  useEffect(() => void refreshDevices(), []);
  const list = devices.list.value;
  const choice = devices.choice.value;
  const canPickSpeaker = 'setSinkId' in HTMLMediaElement.prototype;
  const names = { camera: t.camera, mic: t.microphone, speaker: t.speaker };
  return (
    <div class="devices">
      {KINDS.map(([kind, type]) => {
        const options = list.filter((d) => d.kind === type);
        if (kind === 'speaker' && !canPickSpeaker) return null;
        if (options.length === 0) return null;
        return (
          <div class="field" key={kind}>
            <label for={`device-${kind}`}>{names[kind]}</label>
            <select
              id={`device-${kind}`}
              value={choice[kind] ?? options[0]?.deviceId}
              onChange={(ev) => {
                const id = ev.currentTarget.value;
                if (live) void switchDevice(kind, id);
                else choose(kind, id);
                onChange?.(kind);
              }}
            >
              {options.map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || `${names[kind]} ${i + 1}`}
                </option>
              ))}
            </select>
          </div>
        );
      })}
      {list.length === 0 ? <p class="hint">{t.devicesHidden}</p> : null}
      <button type="button" onClick={() => void playTestSound()}>
        <Icon name="volume" />
        {t.testSpeaker}
      </button>
    </div>
  );
}
