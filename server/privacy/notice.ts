// The privacy notice at /privacy, in English and German, rendered from the
// running configuration (via processingFacts): retention values, whether the
// attendance ledger is on, and who the controller is.
import type { ProcessingFacts } from './facts.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Texts {
  title: string;
  defaultController: string;
  controller: (name: string, contact?: string) => string;
  legalBases: (attendance: boolean) => string;
  intro: string;
  meeting: string;
  attendanceOn: (days: number, fourEyes: boolean) => string;
  attendanceOff: string;
  problems: (days: number) => string;
  organisation: string;
  links: (days: number) => string;
  recording: string;
  thirdParties: string;
  rights: string;
}

const en: Texts = {
  title: 'Privacy notice',
  defaultController: 'the organisation that runs this aula server',
  legalBases: (attendance) =>
    `Legal bases: taking part in the meeting, Art. 6(1)(e) GDPR (public task, e.g. teaching) or Art. 6(1)(b);${attendance ? ' attendance records, Art. 6(1)(c) or (e) where attendance must be documented;' : ''} problem reports, your consent, Art. 6(1)(a), which you can withdraw at any time by asking the controller to delete your report (give the reference you were shown).`,
  controller: (name, contact) => `Responsible (controller): ${name}.${contact ? ` Contact: ${contact}.` : ''}`,
  intro: 'To take part you choose a display name; any name works, a pseudonym too. There are no accounts, no e-mail addresses and no other contact data.',
  meeting:
    'Your display name and role are kept in the server\u2019s memory while you are in the room and shown to the others in that room. Audio and video are passed on to them live and not stored. Your IP address is used only to deliver the connection and is not written to any log.',
  attendanceOn: (days, fourEyes) =>
    `Attendance: for each meeting the server keeps your display name, role and join and leave times, encrypted, for ${days} days after the meeting ends, then deletes them. The list is released only as an encrypted report to an operator who states a reason${fourEyes ? ' and is approved by a second operator' : ''}; every request is recorded.`,
  attendanceOff: 'Attendance is not recorded on this server.',
  problems: (days) =>
    `If you use \u201cReport a problem\u201d, you see the exact technical data first (browser, connection state and statistics, no addresses, no name) and decide what is sent. Reports are kept for ${days} days.`,
  organisation:
    'If you came through your organisation\u2019s system (for example a learning platform), aula reads only your role and the room from its token, and possibly a name to suggest as your display name, which you can change; it keeps nothing else about you.',
  links: (days) => `Room links are valid for ${days} days unless the organiser chooses otherwise.`,
  recording:
    'Recording: the join page of each room says whether the meeting may be recorded, and whether a recording is running; in the room everyone sees it. A recording holds no names: everyone appears as \u201cParticipant 1\u201d, \u201cParticipant 2\u201d, \u2026, also in the chat transcript. Before a recording starts everyone sees a countdown, and anyone can choose \u201cLeave me out of the recording\u201d (also on the join page): then nothing of their microphone, camera or screen is recorded, and their chat messages appear without text. Recordings are stored encrypted.',
  thirdParties: 'Nothing is loaded from or sent to other sites: no fonts, no CDN, no public STUN servers, no analytics.',
  rights:
    'You have the right to access, rectification, erasure, restriction and objection, and to lodge a complaint with a supervisory authority. Contact the controller named above.',
};

const de: Texts = {
  title: 'Datenschutzhinweis',
  defaultController: 'die Organisation, die diesen aula-Server betreibt',
  legalBases: (attendance) =>
    `Rechtsgrundlagen: Teilnahme an der Sitzung, Art. 6 Abs. 1 lit. e DSGVO (öffentliche Aufgabe, z. B. Unterricht) oder lit. b;${attendance ? ' Anwesenheitsnachweis, Art. 6 Abs. 1 lit. c oder e, wo Anwesenheit zu dokumentieren ist;' : ''} Problemmeldungen, Ihre Einwilligung, Art. 6 Abs. 1 lit. a, die Sie jederzeit widerrufen können, indem Sie die verantwortliche Stelle um Löschung Ihrer Meldung bitten (mit der angezeigten Referenz).`,
  controller: (name, contact) => `Verantwortlich: ${name}.${contact ? ` Kontakt: ${contact}.` : ''}`,
  intro: 'Zur Teilnahme wählen Sie einen Anzeigenamen, auch ein Pseudonym. Es gibt keine Konten, keine E-Mail-Adressen und keine anderen Kontaktdaten.',
  meeting:
    'Ihr Anzeigename und Ihre Rolle werden nur im Arbeitsspeicher des Servers gehalten, solange Sie im Raum sind, und den anderen in diesem Raum angezeigt. Ton und Bild werden live weitergeleitet, nicht gespeichert. Ihre IP-Adresse wird nur für die Verbindung verwendet und nicht protokolliert.',
  attendanceOn: (days, fourEyes) =>
    `Anwesenheit: Für jede Sitzung speichert der Server Ihren Anzeigenamen, Ihre Rolle sowie Beitritts- und Austrittszeit verschlüsselt für ${days} Tage nach dem Ende der Sitzung und löscht sie dann. Die Liste wird nur als verschlüsselter Bericht an eine Betreiberin oder einen Betreiber herausgegeben, die einen Grund angeben${fourEyes ? ' und von einer zweiten Person freigegeben werden' : ''}; jede Anfrage wird protokolliert.`,
  attendanceOff: 'Auf diesem Server wird keine Anwesenheit erfasst.',
  problems: (days) =>
    `Wenn Sie \u201eProblem melden\u201c verwenden, sehen Sie zuerst genau die technischen Daten (Browser, Verbindungszustand und Statistiken, keine Adressen, kein Name) und entscheiden, was gesendet wird. Meldungen werden ${days} Tage aufbewahrt.`,
  organisation:
    'Wenn Sie über das System Ihrer Organisation kommen (z. B. eine Lernplattform), liest aula aus dessen Token nur Ihre Rolle und den Raum, gegebenenfalls einen Namensvorschlag, den Sie ändern können; sonst wird nichts über Sie gespeichert.',
  links: (days) => `Raum-Links sind ${days} Tage gültig, sofern die Organisation nichts anderes festlegt.`,
  recording:
    'Aufzeichnung: Die Beitrittsseite jedes Raums sagt, ob die Sitzung aufgezeichnet werden kann und ob gerade aufgezeichnet wird; im Raum sehen es alle. Eine Aufzeichnung enth\u00e4lt keine Namen: alle erscheinen als \u201eParticipant 1\u201c, \u201eParticipant 2\u201c, \u2026, auch im Chatprotokoll. Bevor eine Aufzeichnung beginnt, sehen alle einen Countdown, und jede Person kann \u201eMich nicht aufzeichnen\u201c w\u00e4hlen (auch auf der Beitrittsseite): dann wird nichts von ihrem Mikrofon, ihrer Kamera oder ihrem Bildschirm aufgezeichnet, und ihre Chat-Nachrichten erscheinen ohne Text. Aufzeichnungen werden verschl\u00fcsselt gespeichert.',
  thirdParties: 'Es wird nichts von anderen Websites geladen oder an sie gesendet: keine Schriften, kein CDN, keine öffentlichen STUN-Server, keine Analyse.',
  rights:
    'Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung und Widerspruch sowie auf Beschwerde bei einer Aufsichtsbehörde. Wenden Sie sich an die oben genannte verantwortliche Stelle.',
};

function section(t: Texts, f: ProcessingFacts, lang: string, fourEyes: boolean): string {
  const attendance = f.activities.find((a) => a.id === 'attendance')!;
  const paragraphs = [
    t.controller(f.controller.name ?? t.defaultController, f.controller.contact),
    t.intro,
    t.meeting,
    attendance.enabled ? t.attendanceOn(f.retentionDays.ledger, fourEyes) : t.attendanceOff,
    t.problems(f.retentionDays.problems),
    t.organisation,
    t.links(f.retentionDays.linkValidity),
    t.recording,
    t.thirdParties,
    t.legalBases(attendance.enabled),
    t.rights,
  ];
  return `<section lang="${lang}"><h1>${esc(t.title)}</h1>${paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}</section>`;
}

export function renderNotice(facts: ProcessingFacts, fourEyes: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="referrer" content="no-referrer" />
<link rel="icon" href="data:," />
<title>Privacy notice – Datenschutzhinweis – aula</title>
<link rel="stylesheet" href="/assets/style.css" />
</head>
<body><main>
${section(en, facts, 'en', fourEyes)}
${section(de, facts, 'de', fourEyes)}
</main></body>
</html>
`;
}
