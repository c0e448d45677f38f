// Breakout groups: everyone sees which group they are in and can go back to
// the main room; moderators split the class (at random or into empty groups
// to fill by hand), move people, visit and close groups, write to all groups
// and call everyone back.
import type { NotificationData, PeerInfo, Permission } from '../../shared/protocol.js';
import { BREAKOUT_LIMITS } from '../../shared/protocol.js';
import { button } from './room-view.js';
import type { Strings } from './strings.js';

type BreakoutState = NotificationData<'breakoutChanged'>;

export interface BreakoutActions {
  start(groups: number, mode: 'random' | 'manual', minutes?: number): Promise<void>;
  move(peerId: string, group?: string): Promise<void>;
  leave(): Promise<void>;
  message(text: string): Promise<void>;
  closeGroup(group: string): Promise<void>;
  end(): Promise<void>;
}

function field(id: string, text: string, control: HTMLInputElement | HTMLSelectElement): HTMLElement {
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = text;
  control.id = id;
  const div = document.createElement('div');
  div.append(label, ' ', control);
  return div;
}

export class BreakoutPanel {
  readonly root = document.createElement('section');
  private readonly status = document.createElement('p');
  private readonly back: HTMLButtonElement;
  private readonly setup = document.createElement('div');
  private readonly running = document.createElement('div');
  private readonly error = document.createElement('p');
  private manage = false;
  private state: BreakoutState = { active: false, groups: [] };
  private people: PeerInfo[] = [];
  private selfId = '';

  constructor(
    private readonly t: Strings,
    private readonly actions: BreakoutActions,
  ) {
    this.root.className = 'breakout';
    this.root.setAttribute('aria-labelledby', 'breakout-title');
    const h2 = document.createElement('h2');
    h2.id = 'breakout-title';
    h2.textContent = t.breakoutTitle;
    this.status.setAttribute('role', 'status');
    this.back = button(t.backToMain);
    this.back.addEventListener('click', () => void this.run(() => this.actions.leave()));
    const count = document.createElement('input');
    count.type = 'number';
    count.min = '1';
    count.max = String(BREAKOUT_LIMITS.groups);
    count.value = '2';
    const minutes = document.createElement('input');
    minutes.type = 'number';
    minutes.min = '1';
    minutes.max = String(BREAKOUT_LIMITS.minutes);
    const start = (mode: 'random' | 'manual') => () =>
      void this.run(() => this.actions.start(Number(count.value) || 2, mode, minutes.value ? Number(minutes.value) : undefined));
    const random = button(t.splitRandom);
    random.addEventListener('click', start('random'));
    const manual = button(t.splitManual);
    manual.addEventListener('click', start('manual'));
    this.setup.append(field('breakout-count', t.groupCount, count), field('breakout-minutes', t.breakoutMinutes, minutes), random, ' ', manual);
    this.error.className = 'error';
    this.error.setAttribute('role', 'alert');
    this.root.append(h2, this.status, this.back, this.setup, this.running, this.error);
    this.render();
  }

  setPermissions(permissions: Permission[]): void {
    this.manage = permissions.includes('manageBreakout');
    this.render();
  }

  setState(state: BreakoutState): void {
    this.state = state;
    this.render();
  }

  setPeople(people: PeerInfo[], selfId: string): void {
    this.people = people;
    this.selfId = selfId;
    this.render();
  }

  /** A group's short name ("1", "2", …), if it exists. */
  nameOf(id: string | undefined): string | undefined {
    return this.state.groups.find((x) => x.id === id)?.name;
  }

  private get myGroup(): string | undefined {
    return this.people.find((p) => p.id === this.selfId)?.group;
  }

  private async run(action: () => Promise<void>): Promise<void> {
    this.error.textContent = '';
    try {
      await action();
    } catch (err) {
      this.error.textContent = (err as Error).message;
    }
  }

  private render(): void {
    const mine = this.nameOf(this.myGroup);
    const ends = this.state.endsAt ? ` ${this.t.breakoutEnds(new Date(this.state.endsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }))}` : '';
    this.status.textContent = mine ? `${this.t.youAreIn(mine)}${ends}` : this.state.active ? ends.trim() : '';
    this.back.hidden = !mine;
    this.root.hidden = !this.manage && !this.state.active && !mine;
    this.setup.hidden = !this.manage || this.state.active;
    this.running.hidden = !this.manage || !this.state.active;
    if (this.manage && this.state.active) this.renderRunning();
  }

  private renderRunning(): void {
    const t = this.t;
    const groups = document.createElement('ul');
    groups.setAttribute('aria-label', t.breakoutTitle);
    for (const g of this.state.groups) {
      const li = document.createElement('li');
      const members = this.people.filter((p) => p.group === g.id).map((p) => p.displayName);
      li.append(`${t.groupName(g.name)}: ${members.join(', ')} `);
      li.append(this.action(t.visitGroup(g.name), () => this.actions.move(this.selfId, g.id)), ' ');
      li.append(this.action(t.closeGroup(g.name), () => this.actions.closeGroup(g.id)));
      groups.append(li);
    }
    const people = document.createElement('ul');
    for (const p of this.people.filter((x) => x.id !== this.selfId)) {
      const select = document.createElement('select');
      select.append(new Option(t.mainRoom, ''), ...this.state.groups.map((g) => new Option(t.groupName(g.name), g.id)));
      select.value = p.group ?? '';
      select.addEventListener('change', () => void this.run(() => this.actions.move(p.id, select.value || undefined)));
      const li = document.createElement('li');
      li.append(field(`breakout-move-${p.id}`, t.moveTo(p.displayName), select));
      people.append(li);
    }
    const form = document.createElement('form');
    const text = document.createElement('input');
    text.maxLength = BREAKOUT_LIMITS.message;
    text.autocomplete = 'off';
    const send = button(t.sendAll);
    send.type = 'submit';
    form.append(field('breakout-message', t.messageAll, text), send);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) return;
      void this.run(async () => {
        await this.actions.message(text.value.trim());
        text.value = '';
      });
    });
    const end = this.action(t.callBack, () => this.actions.end());
    // Keep focus and a half-typed message when the roster changes.
    const focused = document.activeElement?.id;
    const typed = (this.running.querySelector('#breakout-message') as HTMLInputElement | null)?.value;
    this.running.replaceChildren(groups, people, form, end);
    if (typed) text.value = typed;
    if (focused) (this.running.querySelector(`#${CSS.escape(focused)}`) as HTMLElement | null)?.focus();
  }

  private action(text: string, onClick: () => Promise<void>): HTMLButtonElement {
    const b = button(text);
    b.addEventListener('click', () => void this.run(onClick));
    return b;
  }
}
