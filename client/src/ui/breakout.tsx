// Breakout groups, for moderators: split the class (at random or into empty
// groups to fill by hand), move people, visit and close groups, write to all
// groups and call everyone back. Everyone else sees only the banner saying
// which group they are in (room.tsx).
import { useState } from 'preact/hooks';
import { BREAKOUT_LIMITS } from '../../../shared/protocol.js';
import { request } from '../actions.js';
import { room } from '../store.js';
import type { Strings } from '../strings.js';

export function BreakoutPanel({ t }: { t: Strings }) {
  const [count, setCount] = useState('2');
  const [minutes, setMinutes] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const state = room.breakout.value;
  const selfId = room.selfId.value;
  const people = [...room.people.value.values()];
  const run = async (action: () => Promise<void>) => {
    setError('');
    try {
      await action();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const start = (mode: 'random' | 'manual') => () =>
    void run(() => request('startBreakout', { groups: Number(count) || 2, mode, ...(minutes ? { minutes: Number(minutes) } : {}) }).then(() => undefined));

  return (
    <section class="breakout" aria-label={t.breakoutTitle}>
      {!state.active ? (
        <div class="stack">
          <label for="breakout-count">{t.groupCount}</label>
          <input id="breakout-count" type="number" min={1} max={BREAKOUT_LIMITS.groups} value={count} onInput={(ev) => setCount(ev.currentTarget.value)} />
          <label for="breakout-minutes">{t.breakoutMinutes}</label>
          <input
            id="breakout-minutes"
            type="number"
            min={1}
            max={BREAKOUT_LIMITS.minutes}
            value={minutes}
            onInput={(ev) => setMinutes(ev.currentTarget.value)}
          />
          <div class="row">
            <button type="button" class="primary" onClick={start('random')}>
              {t.splitRandom}
            </button>
            <button type="button" onClick={start('manual')}>
              {t.splitManual}
            </button>
          </div>
        </div>
      ) : (
        <div class="stack">
          <ul aria-label={t.breakoutTitle} class="groups">
            {state.groups.map((g) => (
              <li key={g.id}>
                <span>
                  {t.groupName(g.name)}:{' '}
                  {people
                    .filter((p) => p.group === g.id)
                    .map((p) => p.displayName)
                    .join(', ')}
                </span>
                <div class="row">
                  <button type="button" onClick={() => void run(() => request('moveToGroup', { peerId: selfId, group: g.id }))}>
                    {t.visitGroup(g.name)}
                  </button>
                  <button type="button" onClick={() => void run(() => request('closeGroup', { group: g.id }))}>
                    {t.closeGroup(g.name)}
                  </button>
                </div>
              </li>
            ))}
          </ul>
          <ul class="moves">
            {people
              .filter((p) => p.id !== selfId)
              .map((p) => (
                <li key={p.id}>
                  <label for={`breakout-move-${p.id}`}>{t.moveTo(p.displayName)}</label>{' '}
                  <select
                    id={`breakout-move-${p.id}`}
                    value={p.group ?? ''}
                    onChange={(ev) => {
                      const group = ev.currentTarget.value || undefined;
                      void run(() => request('moveToGroup', { peerId: p.id, ...(group ? { group } : {}) }));
                    }}
                  >
                    <option value="">{t.mainRoom}</option>
                    {state.groups.map((g) => (
                      <option key={g.id} value={g.id}>
                        {t.groupName(g.name)}
                      </option>
                    ))}
                  </select>
                </li>
              ))}
          </ul>
          <form
            class="stack"
            onSubmit={(ev) => {
              ev.preventDefault();
              if (!message.trim()) return;
              void run(async () => {
                await request('breakoutMessage', { text: message.trim() });
                setMessage('');
              });
            }}
          >
            <label for="breakout-message">{t.messageAll}</label>
            <input
              id="breakout-message"
              maxLength={BREAKOUT_LIMITS.message}
              autocomplete="off"
              value={message}
              onInput={(ev) => setMessage(ev.currentTarget.value)}
            />
            <button type="submit">{t.sendAll}</button>
          </form>
          <button type="button" class="danger" onClick={() => void run(() => request('endBreakout', {}))}>
            {t.callBack}
          </button>
        </div>
      )}
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
