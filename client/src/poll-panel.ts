// Anonymous polls: moderators ask a question and see live counts; everyone
// votes with radio buttons or checkboxes and may change the vote until the
// poll closes. Nothing here knows who voted for what: the server sends counts.
import type { NotificationData, Permission } from '../../shared/protocol.js';
import { POLL_LIMITS } from '../../shared/protocol.js';
import { button } from './room-view.js';
import type { Strings } from './strings.js';

type PollInfo = NotificationData<'pollOpened'>;
type PollResults = NotificationData<'pollResults'>;

export interface PollActions {
  create(question: string, options: string[], multiple: boolean): Promise<void>;
  vote(pollId: string, choices: number[]): Promise<void>;
  close(pollId: string): Promise<void>;
  show(pollId: string): Promise<void>;
}

function labelled(id: string, text: string, control: HTMLElement): HTMLElement {
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = text;
  control.id = id;
  const div = document.createElement('div');
  div.append(label, control);
  return div;
}

export class PollPanel {
  readonly root = document.createElement('section');
  private readonly form = document.createElement('form');
  private readonly current = document.createElement('div');
  private readonly error = document.createElement('p');
  private manage = false;
  private poll: PollInfo | undefined;
  private results: PollResults | undefined;
  private voted = false;

  constructor(
    private readonly t: Strings,
    private readonly actions: PollActions,
  ) {
    this.root.className = 'poll';
    this.root.setAttribute('aria-labelledby', 'poll-title');
    const h2 = document.createElement('h2');
    h2.id = 'poll-title';
    h2.textContent = t.pollTitle;
    const question = document.createElement('input');
    question.maxLength = POLL_LIMITS.question;
    const options = document.createElement('textarea');
    options.rows = 3;
    const multiple = document.createElement('input');
    multiple.type = 'checkbox';
    const multipleLabel = document.createElement('label');
    multipleLabel.append(multiple, ` ${t.pollMultiple}`);
    const start = button(t.startPoll);
    start.type = 'submit';
    this.form.append(labelled('poll-question', t.pollQuestion, question), labelled('poll-options', t.pollOptions, options), multipleLabel, start);
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const lines = options.value.split('\n').map((l) => l.trim()).filter(Boolean);
      this.run(() => this.actions.create(question.value.trim(), lines, multiple.checked)).then((ok) => {
        if (!ok) return;
        question.value = '';
        options.value = '';
      });
    });
    this.error.className = 'error';
    this.error.setAttribute('role', 'alert');
    this.root.append(h2, this.form, this.current, this.error);
    this.render();
  }

  setPermissions(permissions: Permission[]): void {
    this.manage = permissions.includes('managePolls');
    this.render();
  }

  setPoll(poll: PollInfo): void {
    if (poll.id !== this.poll?.id) {
      this.voted = false;
      this.results = undefined;
    }
    this.poll = poll;
    this.render();
  }

  closed(pollId: string): void {
    if (this.poll?.id !== pollId) return;
    this.poll = { ...this.poll, open: false };
    this.render();
  }

  setResults(results: PollResults): void {
    if (this.poll?.id !== results.pollId) return;
    this.results = results;
    this.render();
  }

  private async run(action: () => Promise<void>): Promise<boolean> {
    this.error.textContent = '';
    try {
      await action();
      return true;
    } catch (err) {
      this.error.textContent = (err as Error).message;
      return false;
    }
  }

  private render(): void {
    const poll = this.poll;
    this.form.hidden = !this.manage || !!poll?.open;
    this.root.hidden = !this.manage && !poll;
    const parts: HTMLElement[] = [];
    if (!poll?.open) this.ballotOf = undefined;
    if (poll?.open) parts.push(this.ballot(poll));
    else if (poll) parts.push(this.note(`${poll.question} — ${this.t.pollClosedNote}`));
    if (poll && this.results) parts.push(this.resultList(poll, this.results));
    if (poll && this.manage) {
      if (poll.open) parts.push(this.action(this.t.closePoll, () => this.actions.close(poll.id)));
      else parts.push(this.action(this.t.showResults, () => this.actions.show(poll.id)));
    }
    this.current.replaceChildren(...parts);
  }

  // Kept across renders, so live counts arriving do not clear a choice being made.
  private ballotOf: { id: string; form: HTMLElement } | undefined;

  private ballot(poll: PollInfo): HTMLElement {
    if (this.ballotOf?.id === poll.id) return this.ballotOf.form;
    const form = document.createElement('form');
    const fieldset = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = poll.question;
    fieldset.append(legend);
    poll.options.forEach((text, i) => {
      const input = document.createElement('input');
      input.type = poll.multiple ? 'checkbox' : 'radio';
      input.name = 'poll-choice';
      input.value = String(i);
      const label = document.createElement('label');
      label.append(input, ` ${text}`);
      fieldset.append(label);
    });
    const submit = button(this.voted ? this.t.changeVote : this.t.vote);
    submit.type = 'submit';
    const status = this.note(this.voted ? this.t.voted : this.t.pollAnonymous);
    status.setAttribute('role', 'status');
    form.append(fieldset, submit, status);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const choices = [...form.querySelectorAll<HTMLInputElement>('input[name="poll-choice"]:checked')].map((i) => Number(i.value));
      if (!choices.length) return;
      void this.run(() => this.actions.vote(poll.id, choices)).then((ok) => {
        if (!ok) return;
        this.voted = true;
        submit.textContent = this.t.changeVote;
        status.textContent = this.t.voted;
      });
    });
    this.ballotOf = { id: poll.id, form };
    return form;
  }

  private resultList(poll: PollInfo, results: PollResults): HTMLElement {
    const div = document.createElement('div');
    const ul = document.createElement('ul');
    ul.className = 'poll-results';
    ul.setAttribute('aria-label', poll.question);
    poll.options.forEach((text, i) => {
      const li = document.createElement('li');
      li.textContent = this.t.pollVotes(text, results.counts[i] ?? 0);
      ul.append(li);
    });
    div.append(ul, this.note(this.t.pollVoters(results.voters)));
    return div;
  }

  private note(text: string): HTMLElement {
    const p = document.createElement('p');
    p.textContent = text;
    return p;
  }

  private action(text: string, onClick: () => Promise<void>): HTMLButtonElement {
    const b = button(text);
    b.addEventListener('click', () => void this.run(onClick));
    return b;
  }
}
