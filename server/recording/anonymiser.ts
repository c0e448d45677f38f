// Pseudonyms for one recording: every participant becomes "Participant N",
// numbered in order of first appearance and stable for the whole recording
// (also across renames). The names themselves stay in memory, only so that
// they can be replaced inside chat messages; nothing maps a pseudonym back to
// a name on disk, and the map is dropped when the recording stops.

/** Characters that render as nothing; stripped so that "An\u200Bna" cannot slip past the replacement. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/gu;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Names this short are replaced only as whole words: a participant called
 * "Al" must not turn every "also" into "Participant 3so". Longer names are
 * replaced wherever they occur, also inside other words, because a name
 * glued to a suffix ("Annas", "Anna's") still names Anna.
 */
const WHOLE_WORD_BELOW = 3;

export class Anonymiser {
  private readonly pseudonyms = new Map<string, string>(); // participant id → pseudonym
  private readonly names = new Map<string, string>(); // normalised name → pseudonym
  private pattern: RegExp | null = null;

  /** The participant's pseudonym; `name` is remembered (in memory) for replacement in chat text. */
  pseudonym(participantId: string, name?: string): string {
    let p = this.pseudonyms.get(participantId);
    if (!p) {
      p = `Participant ${this.pseudonyms.size + 1}`;
      this.pseudonyms.set(participantId, p);
    }
    if (name) this.addName(name, p);
    return p;
  }

  get count(): number {
    return this.pseudonyms.size;
  }

  /** Chat text with every known participant's name replaced by that participant's pseudonym. */
  scrub(text: string): string {
    const clean = text.normalize('NFC').replace(INVISIBLE, '');
    if (!this.pattern) return clean;
    return clean.replace(this.pattern, (match) => this.names.get(match.toLocaleLowerCase()) ?? this.lookup(match));
  }

  /** Forget every name (the recording stopped). */
  clear(): void {
    this.names.clear();
    this.pattern = null;
  }

  private addName(name: string, pseudonym: string): void {
    const key = name.normalize('NFC').replace(INVISIBLE, '').trim().toLocaleLowerCase();
    if (!key || this.names.has(key)) return;
    this.names.set(key, pseudonym);
    // Also the name without a "(2)" suffix the room added to tell two Annas apart.
    const bare = key.replace(/\s*\(\d+\)$/, '');
    if (bare && bare !== key && !this.names.has(bare)) this.names.set(bare, pseudonym);
    this.rebuild();
  }

  private rebuild(): void {
    // Longest first, so that "Anna Maria" wins over "Anna" where both match.
    const keys = [...this.names.keys()].sort((a, b) => [...b].length - [...a].length);
    const alternatives = keys.map((k) =>
      [...k].length < WHOLE_WORD_BELOW ? `(?<![\\p{L}\\p{N}])${escape(k)}(?![\\p{L}\\p{N}])` : escape(k),
    );
    // 'u' makes 'i' fold case by Unicode rules (Cyrillic, Greek, …), not ASCII only.
    this.pattern = new RegExp(alternatives.join('|'), 'giu');
  }

  // Case folding can map a match to a key that differs from toLocaleLowerCase
  // (e.g. final sigma); find it by comparing case-insensitively.
  private lookup(match: string): string {
    for (const [key, p] of this.names) {
      if (new RegExp(`^${escape(key)}$`, 'iu').test(match)) return p;
    }
    return 'Participant';
  }
}
