// A polite live region: screen readers hear joins, raised hands and chat.
export class Announcer {
  readonly root = document.createElement('div');

  constructor() {
    this.root.className = 'visually-hidden';
    this.root.setAttribute('aria-live', 'polite');
    this.root.setAttribute('role', 'log');
  }

  announce(text: string): void {
    const p = document.createElement('p');
    p.textContent = text;
    this.root.append(p);
    // Keep the region short; screen readers read additions, not history.
    while (this.root.childElementCount > 5) this.root.firstElementChild!.remove();
  }
}
