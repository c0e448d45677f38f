// Every user-visible string, one table per language. The browser's preferred
// language picks the table; English is the fallback.
const en = {
  appName: 'aula',
  noRoom: 'Open the link your organiser sent you to join a classroom.',
  roomNotFound: 'This room does not exist or has ended.',
  serverUnreachable: 'The server cannot be reached. Check your connection and reload the page.',
  displayName: 'Display name',
  displayNameHint: 'Any name you like; a pseudonym is fine. It is only shown to the others in this room.',
  displayNameMissing: 'Please enter a display name.',
  join: 'Join',
  joining: 'Joining…',
  preview: 'Your camera preview',
  noDevices: 'No camera or microphone available. You can still join to watch and listen.',
  muteMic: 'Mute microphone',
  unmuteMic: 'Unmute microphone',
  stopCamera: 'Stop camera',
  startCamera: 'Start camera',
  leave: 'Leave',
  you: 'you',
  micOff: 'microphone off',
  left: 'You left the classroom.',
  rejoin: 'Join again',
  roomClosed: 'The classroom has ended.',
  disconnected: 'The connection to the server was lost.',
  participants: (n: number) => (n === 1 ? '1 participant' : `${n} participants`),
  joinFailed: (why: string) => `Could not join: ${why}`,
};

export type Strings = typeof en;

const de: Strings = {
  appName: 'aula',
  noRoom: 'Öffnen Sie den Link, den Sie erhalten haben, um einem Klassenraum beizutreten.',
  roomNotFound: 'Diesen Raum gibt es nicht oder er wurde beendet.',
  serverUnreachable: 'Der Server ist nicht erreichbar. Prüfen Sie die Verbindung und laden Sie die Seite neu.',
  displayName: 'Anzeigename',
  displayNameHint: 'Ein beliebiger Name, auch ein Pseudonym. Er wird nur den anderen in diesem Raum angezeigt.',
  displayNameMissing: 'Bitte geben Sie einen Anzeigenamen ein.',
  join: 'Beitreten',
  joining: 'Trete bei…',
  preview: 'Vorschau Ihrer Kamera',
  noDevices: 'Keine Kamera oder kein Mikrofon verfügbar. Sie können trotzdem zuschauen und zuhören.',
  muteMic: 'Mikrofon stummschalten',
  unmuteMic: 'Mikrofon einschalten',
  stopCamera: 'Kamera ausschalten',
  startCamera: 'Kamera einschalten',
  leave: 'Verlassen',
  you: 'Sie',
  micOff: 'Mikrofon aus',
  left: 'Sie haben den Klassenraum verlassen.',
  rejoin: 'Erneut beitreten',
  roomClosed: 'Der Klassenraum wurde beendet.',
  disconnected: 'Die Verbindung zum Server wurde unterbrochen.',
  participants: (n: number) => (n === 1 ? '1 Person' : `${n} Personen`),
  joinFailed: (why: string) => `Beitritt nicht möglich: ${why}`,
};

const tables: Record<string, Strings> = { en, de };

export function pickStrings(languages: readonly string[] = navigator.languages): { lang: string; t: Strings } {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0]!;
    if (tables[base]) return { lang: base, t: tables[base] };
  }
  return { lang: 'en', t: en };
}
