// Modal dialogs on the native <dialog>: focus moves in and is trapped by the
// browser, Escape closes, and focus goes back to where it was.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

interface Props {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  class?: string;
}

export function Dialog({ title, onClose, children, class: cls = '' }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog ref={ref} class={`dialog ${cls}`} aria-labelledby={id} onClose={onClose} onCancel={(ev) => (ev.preventDefault(), onClose())}>
      <h2 id={id}>{title}</h2>
      {children}
    </dialog>
  );
}

interface ConfirmProps {
  title: string;
  text: string;
  confirm: string;
  cancel: string;
  onConfirm: () => void;
  onClose: () => void;
}

/** "Remove Pia?" / "End meeting for all?": a dangerous action needs a second, deliberate click. */
export function Confirm({ title, text, confirm, cancel, onConfirm, onClose }: ConfirmProps) {
  return (
    <Dialog title={title} onClose={onClose} class="confirm">
      <p>{text}</p>
      <div class="dialog-actions">
        <button type="button" autofocus onClick={onClose}>
          {cancel}
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            onClose();
            onConfirm();
          }}
        >
          {confirm}
        </button>
      </div>
    </Dialog>
  );
}
