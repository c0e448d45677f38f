// What moderators see beside the tiles: the lobby (Admit / Deny), the people
// in the room with role controls, and the room lock. Shown by permission.
import type { LobbyEntry, PeerInfo, Permission, Role } from '../../shared/protocol.js';
import { button } from './room-view.js';
import type { Strings } from './strings.js';

export interface PanelActions {
  admit(id: string): void;
  deny(id: string): void;
  setRole(peerId: string, role: Role): void;
  lock(locked: boolean): void;
}

const ROLES: Role[] = ['moderator', 'presenter', 'participant'];

export class ModerationPanel {
  readonly root = document.createElement('aside');
  private readonly lobbySection = document.createElement('section');
  private readonly lobbyList = document.createElement('ul');
  private readonly peopleList = document.createElement('ul');
  private readonly lockButton: HTMLButtonElement;
  private permissions = new Set<Permission>();
  private locked = false;

  constructor(
    private readonly t: Strings,
    private readonly actions: PanelActions,
  ) {
    this.root.className = 'panel';
    const lobbyTitle = document.createElement('h2');
    lobbyTitle.textContent = t.lobbyTitle;
    this.lobbyList.setAttribute('aria-label', t.lobbyTitle);
    this.lobbySection.append(lobbyTitle, this.lobbyList);
    const peopleTitle = document.createElement('h2');
    peopleTitle.textContent = t.participantsTitle;
    this.peopleList.setAttribute('aria-label', t.participantsTitle);
    this.lockButton = button(t.lockRoom);
    this.lockButton.addEventListener('click', () => this.actions.lock(!this.locked));
    this.root.append(this.lockButton, this.lobbySection, peopleTitle, this.peopleList);
    this.setPermissions([]);
  }

  setPermissions(permissions: Permission[]): void {
    this.permissions = new Set(permissions);
    this.root.hidden = !['admitLobby', 'setRole', 'lockRoom'].some((p) => this.permissions.has(p as Permission));
    this.lobbySection.hidden = !this.permissions.has('admitLobby') || this.lobbyList.children.length === 0;
    this.lockButton.hidden = !this.permissions.has('lockRoom');
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
        const admit = button(this.t.admit);
        admit.setAttribute('aria-label', `${this.t.admit} ${e.displayName}`);
        admit.addEventListener('click', () => this.actions.admit(e.id));
        const deny = button(this.t.deny);
        deny.setAttribute('aria-label', `${this.t.deny} ${e.displayName}`);
        deny.addEventListener('click', () => this.actions.deny(e.id));
        li.append(name, ' ', admit, ' ', deny);
        return li;
      }),
    );
    this.lobbySection.hidden = !this.permissions.has('admitLobby') || entries.length === 0;
  }

  setPeople(people: PeerInfo[], selfId: string): void {
    this.peopleList.replaceChildren(
      ...people.map((p) => {
        const li = document.createElement('li');
        li.dataset.peerId = p.id;
        const name = document.createElement('span');
        name.textContent = `${p.displayName} (${this.t.roleName[p.role] ?? p.role})`;
        li.append(name);
        if (this.permissions.has('setRole') && p.id !== selfId) {
          for (const role of ROLES.filter((r) => r !== p.role)) {
            const b = button(this.t.makeRole(this.t.roleName[role] ?? role));
            b.setAttribute('aria-label', `${this.t.makeRole(this.t.roleName[role] ?? role)}: ${p.displayName}`);
            b.addEventListener('click', () => this.actions.setRole(p.id, role));
            li.append(' ', b);
          }
        }
        return li;
      }),
    );
  }
}
