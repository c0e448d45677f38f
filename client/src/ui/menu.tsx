// A menu button (ARIA Authoring Practices): the button opens a list of
// actions; arrow keys move, Escape or Tab closes it and focus returns to the
// button; a click elsewhere closes it.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Icon, type IconName } from './icon.js';

export interface MenuItem {
  /** Visible text. */
  label: string;
  /** Accessible name, when more than the text (e.g. "Mute Pia"). */
  name?: string;
  danger?: boolean;
  checked?: boolean;
  onSelect(): void;
}

interface Props {
  /** The button's accessible name, e.g. "More actions for Pia". */
  label: string;
  icon?: IconName;
  /** Visible text of the button (absent: icon only). */
  text?: string;
  items: MenuItem[];
  class?: string;
  /** Open upwards (from the bottom toolbar). */
  up?: boolean;
  children?: ComponentChildren;
}

export function MenuButton({ label, icon = 'ellipsisVertical', text, items, class: cls = '', up = false, children }: Props) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    const onDown = (ev: PointerEvent) => {
      const target = ev.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const onKey = (ev: KeyboardEvent) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const move = (i: number) => entries[(i + entries.length) % entries.length]?.focus();
    if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation();
      close(true);
    } else if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      move(at + 1);
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      move(at - 1);
    } else if (ev.key === 'Home') {
      ev.preventDefault();
      move(0);
    } else if (ev.key === 'End') {
      ev.preventDefault();
      move(entries.length - 1);
    } else if (ev.key === 'Tab') close(false);
  };

  return (
    <div class={`menu-wrap ${cls}`}>
      <button
        ref={button}
        type="button"
        class={text ? 'menu-button' : 'icon-button'}
        aria-label={text ? undefined : label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        title={text ? undefined : label}
        onClick={() => setOpen(!open)}
        onKeyDown={(ev) => {
          if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
            ev.preventDefault();
            setOpen(true);
          }
        }}
      >
        <Icon name={icon} />
        {text ? <span class="label">{text}</span> : null}
        {children}
      </button>
      {open ? (
        <div ref={menu} id={id} role="menu" aria-label={label} class={`menu${up ? ' up' : ''}`} onKeyDown={onKey}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
              aria-checked={item.checked}
              aria-label={item.name}
              tabIndex={-1}
              class={item.danger ? 'danger' : ''}
              onClick={() => {
                close(true);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
