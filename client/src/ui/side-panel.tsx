// The side panel: tabs for Chat, Participants, Polls and Breakout groups
// (the last two only where the role or a running poll calls for them). On a
// phone it is a full-screen sheet. Opening moves focus in; closing (button or
// Escape) returns it to the toolbar.
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_CHAT } from '../../../shared/protocol.js';
import { request } from '../actions.js';
import { can, room, type Tab, view } from '../store.js';
import type { Strings } from '../strings.js';
import { BreakoutPanel } from './breakout.js';
import { Icon } from './icon.js';
import { narrow } from './layout-state.js';
import { PeoplePanel } from './people.js';
import { PollPanel } from './polls.js';
import { returnFocus } from './toolbar.js';

function Chat({ t }: { t: Strings }) {
  const log = useRef<HTMLOListElement>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const messages = room.chat.value;
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);
  return (
    <section class="chat" aria-label={t.chatTitle}>
      <ol class="chat-log" ref={log} aria-label={t.chatTitle} tabIndex={0}>
        {messages.length === 0 ? <li class="empty">{t.chatEmpty}</li> : null}
        {messages.map((m) => (
          <li key={m.id} data-self={m.peerId === room.selfId.value || undefined}>
            <span class="chat-meta">
              {m.displayName}
              {m.peerId === room.selfId.value ? ` (${t.you})` : ''}{' '}
              <time dateTime={m.at}>{new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
            </span>
            <span class="chat-text">{m.text}</span>
          </li>
        ))}
      </ol>
      {can('chat') ? (
        <form
          class="chat-form"
          onSubmit={async (ev) => {
            ev.preventDefault();
            const value = text.trim();
            if (!value) return;
            try {
              await request('sendChat', { text: value });
              setText('');
              setError('');
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        >
          <label for="chat-input">{t.message}</label>
          <div class="row">
            <input id="chat-input" maxLength={MAX_CHAT} autocomplete="off" value={text} onInput={(ev) => setText(ev.currentTarget.value)} />
            <button type="submit" class="primary">
              {t.send}
            </button>
          </div>
          <p class="error" role="alert">
            {error}
          </p>
        </form>
      ) : null}
    </section>
  );
}

export function tabsFor(): Tab[] {
  const tabs: Tab[] = ['chat', 'people'];
  if (can('managePolls') || room.poll.value) tabs.push('polls');
  if (can('manageBreakout')) tabs.push('breakout');
  return tabs;
}

export function SidePanel({ t }: { t: Strings }) {
  const tab = view.tab.value;
  const panel = useRef<HTMLElement>(null);
  const tabs = tabsFor();
  const titles: Record<Tab, string> = { chat: t.chatTitle, people: t.participantsTitle, polls: t.pollsTab, breakout: t.breakoutTitle };
  const sheet = narrow.value;
  const close = () => {
    view.tab.value = null;
    requestAnimationFrame(returnFocus);
  };
  useEffect(() => {
    if (tab === 'chat') room.unread.value = 0;
  }, [tab, room.chat.value.length]);

  if (!tab || !tabs.includes(tab)) return null;
  const onTabKey = (ev: KeyboardEvent) => {
    const i = tabs.indexOf(tab);
    const next = ev.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : ev.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : undefined;
    if (!next) return;
    ev.preventDefault();
    view.tab.value = next;
    requestAnimationFrame(() => panel.current?.querySelector<HTMLElement>(`#tab-${next}`)?.focus());
  };
  return (
    <aside
      class={`side${sheet ? ' sheet' : ''}`}
      ref={panel}
      aria-label={titles[tab]}
      onKeyDown={(ev) => {
        if (ev.key === 'Escape' && !ev.defaultPrevented && sheet) {
          ev.preventDefault();
          close();
        }
      }}
    >
      <div class="side-head">
        <div role="tablist" aria-label={t.panels} onKeyDown={onTabKey}>
          {tabs.map((id) => (
            <button
              key={id}
              id={`tab-${id}`}
              type="button"
              role="tab"
              aria-selected={id === tab}
              aria-controls="side-tabpanel"
              tabIndex={id === tab ? 0 : -1}
              onClick={() => (view.tab.value = id)}
            >
              {titles[id]}
              {id === 'chat' && room.unread.value > 0 ? (
                <span class="badge" aria-hidden="true">
                  {room.unread.value}
                </span>
              ) : null}
            </button>
          ))}
        </div>
        <button type="button" class="icon-button" aria-label={t.closePanel} title={t.closePanel} onClick={close}>
          <Icon name="x" />
        </button>
      </div>
      <div id="side-tabpanel" role="tabpanel" aria-labelledby={`tab-${tab}`} class="side-body">
        {tab === 'chat' ? <Chat t={t} /> : tab === 'people' ? <PeoplePanel t={t} /> : tab === 'polls' ? <PollPanel t={t} /> : <BreakoutPanel t={t} />}
      </div>
    </aside>
  );
}
