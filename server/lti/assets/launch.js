// The launch page: in a top-level window, go straight into the room; inside a
// platform's iframe, offer "Open in a new window" (screen sharing needs it),
// which carries the same room entry to a new tab without a second login.
(() => {
  const box = document.getElementById('launch');
  const join = document.getElementById('join');
  if (!box || !join) return;
  let framed;
  try {
    framed = window.top !== window.self;
  } catch {
    framed = true;
  }
  if (!framed && box.dataset.auto === '1') {
    location.replace(join.href);
    return;
  }
  if (framed) document.getElementById('framed-hint')?.removeAttribute('hidden');
  document.getElementById('new-window')?.addEventListener('click', () => {
    document.getElementById('opened')?.removeAttribute('hidden');
  });
  const guest = document.getElementById('guest-link');
  guest?.addEventListener('focus', () => guest.select());
  const copy = document.getElementById('copy-guest');
  copy?.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(guest.value);
    } catch {
      // No clipboard access (an iframe without clipboard-write): select it for Ctrl+C.
      guest.focus();
      return;
    }
    copy.textContent = copy.dataset.done;
  });
})();
