// The room chat: recent messages with name and time, a "Message" box and "Send".
import type { NotificationData } from '../../shared/protocol.js';
import { MAX_CHAT } from '../../shared/protocol.js';
import { button } from './room-view.js';
import type { Strings } from './strings.js';

type ChatMessage = NotificationData<'chatMessage'>;

export class ChatPanel {
  readonly root = document.createElement('section');
  private readonly log = document.createElement('ol');
  private readonly input = document.createElement('input');
  private readonly error = document.createElement('p');

  constructor(
    private readonly t: Strings,
    send: (text: string) => Promise<void>,
  ) {
    this.root.className = 'chat';
    this.root.setAttribute('aria-labelledby', 'chat-title');
    const h2 = document.createElement('h2');
    h2.id = 'chat-title';
    h2.textContent = t.chatTitle;
    this.log.className = 'chat-log';
    this.log.setAttribute('aria-label', t.chatTitle);
    this.log.tabIndex = 0;
    const form = document.createElement('form');
    form.className = 'chat-form';
    const label = document.createElement('label');
    label.htmlFor = 'chat-input';
    label.textContent = t.message;
    this.input.id = 'chat-input';
    this.input.maxLength = MAX_CHAT;
    this.input.autocomplete = 'off';
    const submit = button(t.send);
    submit.type = 'submit';
    this.error.className = 'error';
    this.error.setAttribute('role', 'alert');
    form.append(label, this.input, submit);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      try {
        await send(text);
        this.input.value = '';
        this.error.textContent = '';
      } catch (err) {
        this.error.textContent = (err as Error).message;
      }
    });
    this.root.append(h2, this.log, form, this.error);
  }

  add(m: ChatMessage, isSelf: boolean): void {
    const li = document.createElement('li');
    const head = document.createElement('span');
    head.className = 'chat-meta';
    const time = document.createElement('time');
    time.dateTime = m.at;
    time.textContent = new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    head.append(`${m.displayName}${isSelf ? ` (${this.t.you})` : ''} `, time);
    const text = document.createElement('span');
    text.className = 'chat-text';
    text.textContent = m.text; // untrusted: text only, never HTML
    li.append(head, text);
    this.log.append(li);
    this.log.scrollTop = this.log.scrollHeight;
  }
}
