// "Report a problem": a self-contained native <dialog>, built imperatively
// (it lives outside the component tree, on <body>). Gathers technical data only, shows the exact JSON that
// will be sent, lets the user untick any part and add a description, and
// sends only on "Send report". Nothing technical leaves the browser otherwise.
import type { ProblemReport } from '../../shared/problem-report.js';
import type { Conference } from './conference.js';
import type { Strings } from './strings.js';

function button(label: string, className = ''): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (className) b.className = className;
  return b;
}

function browserOf(ua: string): { name: string; version: string } {
  const rules: Array<[string, RegExp]> = [
    ['Edge', /Edg\/(\d+)/],
    ['Firefox', /Firefox\/(\d+)/],
    ['Chromium', /Chrom(?:e|ium)\/(\d+)/],
    ['Safari', /Version\/(\d+)[\d.]* .*Safari/],
  ];
  for (const [name, re] of rules) {
    const m = re.exec(ua);
    if (m) return { name, version: m[1]! };
  }
  return { name: 'other', version: '' };
}

function osOf(ua: string): string {
  for (const [name, re] of [
    ['Android', /Android/],
    ['iOS', /iPhone|iPad/],
    ['ChromeOS', /CrOS/],
    ['Windows', /Windows/],
    ['macOS', /Mac OS X/],
    ['Linux', /Linux/],
  ] as const) {
    if (re.test(ua)) return name;
  }
  return 'other';
}

async function gather(page: 'join' | 'room', conference?: Conference): Promise<ProblemReport> {
  const report: ProblemReport = {
    page,
    clientVersion: __AULA_VERSION__,
    browser: browserOf(navigator.userAgent),
    os: osOf(navigator.userAgent),
  };
  if (conference) Object.assign(report, await conference.diagnostics());
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const count = (kind: MediaDeviceKind) => devices.filter((d) => d.kind === kind).length;
    // Counts only: device labels can carry names ("Anna's AirPods").
    report.devices = { audioinput: count('audioinput'), videoinput: count('videoinput'), audiooutput: count('audiooutput') };
  } catch {
    // no device access: leave it out
  }
  return report;
}

/** The room link the report is sent under: checked by the server, not stored. */
export interface ReportLink {
  roomId: string;
  token: string;
}

/** Opens the dialog (appended to <body>, removed again when closed). */
export async function openProblemDialog(t: Strings, link: ReportLink, page: 'join' | 'room', conference?: Conference): Promise<void> {
  const dialog = document.createElement('dialog');
  dialog.className = 'problem';
  dialog.setAttribute('aria-labelledby', 'problem-title');
  const title = document.createElement('h2');
  title.id = 'problem-title';
  title.textContent = t.reportProblem;
  const intro = document.createElement('p');
  intro.textContent = t.problemIntro;
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  status.textContent = t.problemGathering;
  const cancel = button(t.cancel);
  cancel.addEventListener('click', () => dialog.close());
  dialog.append(title, intro, status, cancel);
  document.body.append(dialog);
  dialog.showModal();
  dialog.addEventListener('close', () => dialog.remove());

  let gathered: ProblemReport;
  try {
    gathered = await gather(page, conference);
  } catch {
    // Statistics failed: offer what needs no connection.
    gathered = await gather(page);
  }
  const included = new Set(Object.keys(gathered));
  const fields = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = t.problemFields;
  fields.append(legend);
  for (const key of Object.keys(gathered)) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.name = key;
    box.addEventListener('change', () => {
      if (box.checked) included.add(key);
      else included.delete(key);
      update();
    });
    label.append(box, ` ${t.problemField[key] ?? key}`);
    fields.append(label);
  }
  const descLabel = document.createElement('label');
  descLabel.htmlFor = 'problem-description';
  descLabel.textContent = t.problemDescription;
  const desc = document.createElement('textarea');
  desc.id = 'problem-description';
  desc.maxLength = 2000;
  desc.rows = 3;
  desc.addEventListener('input', () => update());
  const preview = document.createElement('pre');
  preview.setAttribute('aria-label', t.problemPreview);
  preview.tabIndex = 0;
  const send = button(t.sendReport, 'primary');

  // The one object that is both shown and sent.
  const payload = (): ProblemReport => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(gathered)) if (included.has(k)) out[k] = v;
    if (desc.value.trim()) out.description = desc.value.trim();
    return out;
  };
  const update = () => {
    preview.textContent = JSON.stringify(payload(), null, 2);
  };
  update();
  status.textContent = '';
  dialog.append(fields, descLabel, desc, preview, send, cancel);

  const submit = async () => {
    send.disabled = true;
    const body = preview.textContent;
    try {
      const res = await fetch('/api/problems', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-aula-room': link.roomId, 'x-aula-link': link.token },
        body,
      });
      const json = (await res.json()) as { id?: string; error?: { message: string } };
      if (!res.ok) throw new Error(json.error?.message ?? String(res.status));
      dialog.replaceChildren(title, statusLine(t.problemSent(json.id!)), closeButton(t, dialog));
    } catch (err) {
      status.textContent = t.problemFailed((err as Error).message);
      send.disabled = false;
    }
  };
  send.addEventListener('click', () => void submit());
}

function statusLine(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.setAttribute('role', 'status');
  p.textContent = text;
  return p;
}

function closeButton(t: Strings, dialog: HTMLDialogElement): HTMLButtonElement {
  const b = button(t.close);
  b.addEventListener('click', () => dialog.close());
  return b;
}
