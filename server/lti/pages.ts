// The HTML aula shows during a launch: the auto-submitted forms (to the
// platform's auth URL, back to its Deep Linking return URL), the launch page
// (join here, or open in a new window), the Deep Linking settings page, and
// the refusal pages, each saying what the person can do. English and German,
// by the browser's Accept-Language. No inline script: /lti/assets/*.js.
import type { Role } from '../../shared/protocol.js';
import type { RefusalReason } from './validate.js';

export type Lang = 'en' | 'de';

export const langOf = (acceptLanguage: string | undefined): Lang => (/^\s*de\b/i.test(acceptLanguage ?? '') ? 'de' : 'en');

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(lang: Lang, title: string, body: string, script?: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} · aula</title>
<link rel="stylesheet" href="/lti/assets/lti.css">
${script ? `<script src="/lti/assets/${script}" defer></script>` : ''}
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const T = {
  en: {
    continue: 'Continue',
    connecting: 'Connecting to your learning platform…',
    returning: 'Returning to your learning platform…',
    joinHere: 'Join the meeting',
    newWindow: 'Open in a new window',
    newWindowHint: 'aula is shown inside your course page. Screen sharing and full screen work only in a new window.',
    opened: 'aula is open in a new window. You can close this page.',
    asModerator: 'You enter as moderator.',
    guestLink: 'Guest link for people outside the course (anyone with it can join as a guest):',
    copy: 'Copy',
    copied: 'Copied',
    dlTitle: 'Add a video conference',
    dlIntro: 'These settings apply to the room this course activity opens. People never need an aula account.',
    name: 'Title',
    lobby: 'Guests wait in a lobby until a moderator admits them',
    recording: 'Moderators may record this room',
    guests: 'Guest links for people outside the course are allowed',
    openIn: 'Open the meeting',
    inWindow: 'in a new window (recommended: screen sharing works)',
    inFrame: 'inside the course page',
    add: 'Add to the course',
    cancel: 'Cancel',
    refusedTitle: 'aula could not open this meeting',
    code: 'Reason code for your administrator',
  },
  de: {
    continue: 'Weiter',
    connecting: 'Verbindung zur Lernplattform…',
    returning: 'Zurück zur Lernplattform…',
    joinHere: 'Am Meeting teilnehmen',
    newWindow: 'In neuem Fenster öffnen',
    newWindowHint: 'aula wird in der Kursseite angezeigt. Bildschirmfreigabe und Vollbild gehen nur in einem neuen Fenster.',
    opened: 'aula ist in einem neuen Fenster geöffnet. Diese Seite kann geschlossen werden.',
    asModerator: 'Sie nehmen als Moderator teil.',
    guestLink: 'Gastlink für Personen außerhalb des Kurses (wer ihn hat, kann als Gast teilnehmen):',
    copy: 'Kopieren',
    copied: 'Kopiert',
    dlTitle: 'Videokonferenz hinzufügen',
    dlIntro: 'Diese Einstellungen gelten für den Raum, den diese Kursaktivität öffnet. Niemand braucht ein aula-Konto.',
    name: 'Titel',
    lobby: 'Gäste warten in einer Lobby, bis eine Moderatorin sie einlässt',
    recording: 'Moderatoren dürfen diesen Raum aufzeichnen',
    guests: 'Gastlinks für Personen außerhalb des Kurses sind erlaubt',
    openIn: 'Das Meeting öffnen',
    inWindow: 'in einem neuen Fenster (empfohlen: Bildschirmfreigabe geht)',
    inFrame: 'in der Kursseite',
    add: 'Zum Kurs hinzufügen',
    cancel: 'Abbrechen',
    refusedTitle: 'aula konnte dieses Meeting nicht öffnen',
    code: 'Grund-Code für Ihre Administration',
  },
} as const;

type Advice = 'again' | 'admin' | 'teacher' | 'later' | 'platform';

const ADVICE: Record<Advice, Record<Lang, string>> = {
  again: {
    en: 'This launch has expired or was already used. Go back to your course and open the activity again. If this keeps happening, ask your course administrator to check the clocks and aula’s LTI registration.',
    de: 'Dieser Start ist abgelaufen oder wurde schon verwendet. Gehen Sie zurück in Ihren Kurs und öffnen Sie die Aktivität erneut. Passiert das immer wieder, bitten Sie die Kursadministration, die Uhrzeit und die LTI-Registrierung von aula zu prüfen.',
  },
  admin: {
    en: 'aula could not verify this launch from your learning platform. Ask your course administrator to check aula’s LTI registration (issuer, client ID, deployment ID and key URLs) and give them the reason code below.',
    de: 'aula konnte diesen Start von Ihrer Lernplattform nicht prüfen. Bitten Sie Ihre Kursadministration, die LTI-Registrierung von aula zu prüfen (Issuer, Client-ID, Deployment-ID und Schlüssel-URLs), und nennen Sie ihr den Grund-Code unten.',
  },
  teacher: {
    en: 'Only teachers of the course can add aula to it. Ask your course administrator or a teacher of the course.',
    de: 'Nur Lehrende des Kurses können aula hinzufügen. Fragen Sie Ihre Kursadministration oder eine Lehrkraft des Kurses.',
  },
  later: {
    en: 'aula is busy or cannot create the room right now. Try again in a minute; if it keeps happening, ask your course administrator to contact the administrator of this aula server.',
    de: 'aula ist ausgelastet oder kann den Raum gerade nicht anlegen. Versuchen Sie es in einer Minute erneut; passiert das immer wieder, bitten Sie Ihre Kursadministration, die Administration dieses aula-Servers zu informieren.',
  },
  platform: {
    en: 'Your learning platform did not complete the launch. Go back to your course and try again; if it keeps happening, ask your course administrator.',
    de: 'Ihre Lernplattform hat den Start nicht abgeschlossen. Gehen Sie zurück in Ihren Kurs und versuchen Sie es erneut; passiert das immer wieder, fragen Sie Ihre Kursadministration.',
  },
};

const ADVICE_OF: Record<RefusalReason, Advice> = {
  platform_error: 'platform',
  state_missing: 'again',
  state_unknown: 'again',
  token_missing: 'platform',
  replayed: 'again',
  token_expired: 'again',
  token_not_yet_valid: 'again',
  nonce_mismatch: 'again',
  deep_link_expired: 'again',
  bad_algorithm: 'admin',
  bad_signature: 'admin',
  platform_keys_unavailable: 'admin',
  wrong_issuer: 'admin',
  wrong_audience: 'admin',
  bad_token: 'admin',
  wrong_version: 'admin',
  wrong_message_type: 'admin',
  unknown_deployment: 'admin',
  wrong_target: 'admin',
  no_resource_link: 'admin',
  bad_deep_linking: 'admin',
  unknown_platform: 'admin',
  bad_login: 'admin',
  not_instructor: 'teacher',
  busy: 'later',
  room_unavailable: 'later',
};

export const refusalStatus = (reason: RefusalReason): number => (reason === 'not_instructor' ? 403 : ADVICE_OF[reason] === 'later' ? 503 : 400);

export function refusalPage(reason: RefusalReason, lang: Lang): string {
  const t = T[lang];
  return page(
    lang,
    t.refusedTitle,
    `<h1>${t.refusedTitle}</h1>
<p class="advice">${esc(ADVICE[ADVICE_OF[reason]][lang])}</p>
<p class="code">${t.code}: <code>${reason}</code></p>`,
  );
}

/** A form that submits itself (POST keeps login_hint and tokens out of URLs and logs). */
export function autoPostPage(lang: Lang, action: string, fields: Record<string, string>, returning = false): string {
  const t = T[lang];
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n');
  return page(
    lang,
    returning ? t.returning : t.connecting,
    `<form id="autopost" method="post" action="${esc(action)}">
${inputs}
<p>${returning ? t.returning : t.connecting}</p>
<button type="submit">${t.continue}</button>
</form>`,
    'autosubmit.js',
  );
}

export function launchPage(lang: Lang, o: { title: string; href: string; role: Role; guestLink?: string }): string {
  const t = T[lang];
  // A moderator with a guest link to pass on stays on this page; everyone else goes straight in when not framed.
  const auto = o.guestLink ? '0' : '1';
  return page(
    lang,
    o.title,
    `<h1>${esc(o.title)}</h1>
<div id="launch" data-auto="${auto}">
${o.role === 'moderator' ? `<p>${t.asModerator}</p>` : ''}
<p class="actions">
<a id="join" class="button primary" href="${esc(o.href)}">${t.joinHere}</a>
<a id="new-window" class="button" href="${esc(o.href)}" target="_blank" rel="noopener">${t.newWindow}</a>
</p>
<p id="framed-hint" class="hint" hidden>${t.newWindowHint}</p>
<p id="opened" class="hint" hidden role="status">${t.opened}</p>
${o.guestLink ? `<p id="guest-label">${t.guestLink}</p><p class="copy"><input id="guest-link" readonly value="${esc(o.guestLink)}" aria-labelledby="guest-label"> <button type="button" id="copy-guest" data-done="${t.copied}">${t.copy}</button></p>` : ''}
</div>`,
    'launch.js',
  );
}

export function deepLinkPage(lang: Lang, o: { session: string; title: string; targets: string[] }): string {
  const t = T[lang];
  const both = o.targets.includes('window') && o.targets.includes('iframe');
  const targetChoice = both
    ? `<fieldset><legend>${t.openIn}</legend>
<label><input type="radio" name="target" value="window" checked> ${t.inWindow}</label>
<label><input type="radio" name="target" value="iframe"> ${t.inFrame}</label>
</fieldset>`
    : '';
  return page(
    lang,
    t.dlTitle,
    `<h1>${t.dlTitle}</h1>
<p>${t.dlIntro}</p>
<form method="post" action="/lti/deeplink">
<input type="hidden" name="session" value="${esc(o.session)}">
<p><label for="title">${t.name}</label><br><input id="title" name="title" required maxlength="200" value="${esc(o.title)}"></p>
<p><label><input type="checkbox" name="lobby" value="true"> ${t.lobby}</label></p>
<p><label><input type="checkbox" name="recording" value="true"> ${t.recording}</label></p>
<p><label><input type="checkbox" name="guests" value="true" checked> ${t.guests}</label></p>
${targetChoice}
<p class="actions"><button type="submit" class="primary" name="action" value="add">${t.add}</button>
<button type="submit" name="action" value="cancel" formnovalidate>${t.cancel}</button></p>
</form>`,
  );
}
