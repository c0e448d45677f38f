// What moderators see beside the tiles: the lobby (Admit / Deny), raised
// hands in order, the people in the room with role and moderation controls,
// and room-wide actions. Every control is shown by permission; the server
// checks the same permissions again.
import type { LobbyEntry, PeerInfo, Permission, Role } from '../../shared/protocol.js';
import { button } from './room-view.js';
import type { Strings } from './strings.js';

export interface PanelActions {
  admit(id: string): void;
  deny(id: string): void;
  setRole(peerId: string, role: Role): void;
  lock(locked: boolean): void;
  lowerHand(peerId: string): void;
  mute(peerId: string, allowUnmute: boolean): void;
  allowScreens(multiple: boolean): void;
  stopCamera(peerId: string): void;
  remove(peerId: string): void;
  muteAll(): void;
  endMeeting(): void;
}

const ROLES: Role[] = ['moderator', 'presenter', 'participant'];

function section(title: string, list: HTMLElement): HTMLElement {
  const s = document.createElement('section');
  const h2 = document.createElement('h2');
  h2.textContent = title;
  list.setAttribute('aria-label', title);
  s.append(h2, list);
  return s;
}

export class ModerationPanel {
  readonly root = document.createElement('aside');
  private readonly lobbyList = document.createElement('ul');
  private readonly handList = document.createElement('ol');
  private readonly peopleList = document.createElement('ul');
  private readonly lobbySection: HTMLElement;
  private readonly handSection: HTMLElement;
  private readonly lockButton: HTMLButtonElement;
  private readonly roomActions = document.createElement('div');
  private permissions = new Set<Permission>();
  private locked = false;
  private people: PeerInfo[] = [];
  private selfId = '';
  queue: string[] = [];

  constructor(
    private readonly t: Strings,
    private readonly actions: PanelActions,
  ) {
    this.root.className = 'panel';
    this.root.setAttribute('aria-label', t.participantsTitle);
    this.lobbySection = section(t.lobbyTitle, this.lobbyList);
    this.handSection = section(t.handQueue, this.handList);
    this.lockButton = button(t.lockRoom);
    this.lockButton.addEventListener('click', () => this.actions.lock(!this.locked));
    const muteAll = button(t.muteAll);
    muteAll.addEventListener('click', () => this.actions.muteAll());
    const end = button(t.endMeeting);
    end.addEventListener('click', () => this.actions.endMeeting());
    let multiple = false;
    const screens = button(t.allowScreens);
    screens.setAttribute('aria-pressed', 'false');
    screens.addEventListener('click', () => {
      multiple = !multiple;
      screens.setAttribute('aria-pressed', String(multiple));
      this.actions.allowScreens(multiple);
    });
    this.roomActions.className = 'room-actions';
    this.roomActions.append(this.lockButton, muteAll, screens, end);
    this.root.append(this.roomActions, this.lobbySection, this.handSection, section(t.participantsTitle, this.peopleList));
    this.setPermissions([]);
  }

  setPermissions(permissions: Permission[]): void {
    this.permissions = new Set(permissions);
    const moderating = ['admitLobby', 'setRole', 'lockRoom', 'muteOthers'].some((p) => this.permissions.has(p as Permission));
    this.root.hidden = !moderating;
    this.lockButton.hidden = !this.permissions.has('lockRoom');
    this.roomActions.hidden = !moderating;
    this.renderLobbyVisibility();
    this.renderHands();
    this.renderPeople();
  }

  setLocked(locked: boolean): void {
    this.locked = locked;
    this.lockButton.textContent = locked ? this.t.unlockRoom : this.t.lockRoom;
  }

  setLobby(entries: LobbyEntry[]): void {
    this.lobbyList.replaceChildren(
      ...entries.map((e) => {
        const li = document.createElement('li');
        li.dataset.lobbyId = e.id;
        const name = document.createElement('span');
        name.textContent = e.displayName;
        li.append(name, ' ', this.action(this.t.admit, `${this.t.admit} ${e.displayName}`, () => this.actions.admit(e.id)));
        li.append(' ', this.action(this.t.deny, `${this.t.deny} ${e.displayName}`, () => this.actions.deny(e.id)));
        return li;
      }),
    );
    this.renderLobbyVisibility();
  }

  setHands(queue: string[] | undefined): void {
    this.queue = queue ?? [];
    this.renderHands();
  }

  setPeople(people: PeerInfo[], selfId: string): void {
    this.people = people;
    this.selfId = selfId;
    this.renderPeople();
    this.renderHands();
  }

  private renderLobbyVisibility(): void {
    this.lobbySection.hidden = !this.permissions.has('admitLobby') || this.lobbyList.children.length === 0;
  }

  private renderHands(): void {
    const nameOf = (id: string) => this.people.find((p) => p.id === id)?.displayName ?? '…';
    this.handList.replaceChildren(
      ...this.queue.map((id) => {
        const li = document.createElement('li');
        li.dataset.peerId = id;
        li.append(nameOf(id), ' ', this.action(this.t.lowerHand, this.t.lowerHandOf(nameOf(id)), () => this.actions.lowerHand(id)));
        return li;
      }),
    );
    this.handSection.hidden = !this.permissions.has('lowerHands') || this.queue.length === 0;
  }

  private renderPeople(): void {
    const can = (p: Permission) => this.permissions.has(p);
    this.peopleList.replaceChildren(
      ...this.people.map((p) => {
        const li = document.createElement('li');
        li.dataset.peerId = p.id;
        const name = document.createElement('span');
        name.textContent = `${p.displayName} (${this.t.roleName[p.role] ?? p.role})`;
        li.append(name);
        if (p.id === this.selfId) return li;
        if (can('setRole')) {
          for (const role of ROLES.filter((r) => r !== p.role)) {
            const label = this.t.makeRole(this.t.roleName[role] ?? role);
            li.append(' ', this.action(label, `${label}: ${p.displayName}`, () => this.actions.setRole(p.id, role)));
          }
        }
        if (can('muteOthers')) {
          li.append(' ', this.action(this.t.mute, this.t.muteOf(p.displayName), () => this.actions.mute(p.id, true)));
          li.append(' ', this.action(this.t.keepMuted, this.t.keepMutedOf(p.displayName), () => this.actions.mute(p.id, false)));
          li.append(' ', this.action(this.t.stopCamera, this.t.stopCameraOf(p.displayName), () => this.actions.stopCamera(p.id)));
        }
        if (can('removeParticipant')) {
          li.append(' ', this.action(this.t.remove, this.t.removeOf(p.displayName), () => this.actions.remove(p.id)));
        }
        return li;
      }),
    );
  }

  private action(text: string, accessibleName: string, onClick: () => void): HTMLButtonElement {
    const b = button(text);
    b.setAttribute('aria-label', accessibleName);
    b.addEventListener('click', onClick);
    return b;
  }
}
