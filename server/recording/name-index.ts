// The words that name participants, folded so that spelling variants meet:
// case, accents and the German transliterations (Müller = Mueller = Muller),
// with a short list of honorifics and name particles that stay. Lookups are
// by hash map, word by word, so scanning a message costs the same whether a
// recording knows ten names or ten thousand (issue 14, M4).

/** Characters that render as nothing; stripped so that "An\u200Bna" cannot slip past the replacement. */
export const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/gu;

/**
 * A word: letters, marks and digits. Han, Hiragana and Katakana runs are
 * words of their own, so that "山田太郎さん" is "山田太郎" + "さん".
 */
export const WORD = /[\p{sc=Han}]+|[\p{sc=Hiragana}]+|[\p{sc=Katakana}\u30FC]+|(?:(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}])[\p{L}\p{M}\p{N}])+/gu;

/** A name part shorter than this (in letters) is not replaced on its own. */
export const MIN_PART_LETTERS = 3;

/**
 * Honorifics, titles and name particles: in a display name they are not name
 * parts, so "Frau Wagner" does not make every "Frau" in the chat a pseudonym.
 * Folded forms (see `fold`). Documented in docs/PRIVACY.md.
 */
export const KEPT_WORDS = new Set([
  // German and English forms of address and academic titles
  'frau',
  'herr',
  'herrn',
  'fraulein',
  'dr',
  'prof',
  'professor',
  'professorin',
  'dipl',
  'ing',
  'mag',
  'med',
  'phil',
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'sir',
  'dame',
  'madame',
  'monsieur',
  'mme',
  'mlle',
  'signora',
  'signor',
  'senor',
  'senora',
  // name particles that are also ordinary words
  'von',
  'van',
  'der',
  'den',
  'del',
  'della',
  'des',
  'les',
  'los',
  'las',
  'zum',
  'zur',
  'ter',
  'ten',
  'und',
  'and',
]);

/** Endings that still name the person: "Kevins", "Wagners", "Maxes" (with an apostrophe, "Wagner's" is a word and "s"). */
const SUFFIXES = ['es', 's'];

const SPECIAL: Record<string, string> = { ß: 'ss', ẞ: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ς: 'σ' };

/** The form names are compared in: lower case, no accents, ae/oe/ue → a/o/u, ß → ss. */
export function fold(word: string): string {
  return word
    .toLowerCase()
    .replace(/[ßẞæœøłđðþıς]/gu, (c) => SPECIAL[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ae/g, 'a')
    .replace(/oe/g, 'o')
    .replace(/ue/g, 'u');
}

export const letters = (word: string) => (word.match(/\p{L}/gu) ?? []).length;

/** Words of a text with their positions, folded. */
export function words(text: string): Array<{ start: number; end: number; key: string; letters: number }> {
  return [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, key: fold(m[0]), letters: letters(m[0]) }));
}

/** What a display name contributes: its whole (as a phrase of words) and its parts. */
export function nameKeys(name: string): { phrase: string; parts: string[] } {
  const ws = words(name.normalize('NFC').replace(INVISIBLE, ''));
  return {
    phrase: ws.map((w) => w.key).join(' '),
    parts: [...new Set(ws.filter((w) => w.letters >= MIN_PART_LETTERS && !KEPT_WORDS.has(w.key)).map((w) => w.key))],
  };
}

/** Where each key leads: one pseudonym, or "Participant" when it is shared by several people. */
class CountedMap {
  private readonly map = new Map<string, Map<string, number>>();
  lookups = 0;

  add(key: string, value: string): void {
    let m = this.map.get(key);
    if (!m) this.map.set(key, (m = new Map<string, number>()));
    m.set(value, (m.get(value) ?? 0) + 1);
  }

  remove(key: string, value: string): void {
    const m = this.map.get(key);
    const n = m?.get(value);
    if (!m || !n) return;
    if (n > 1) m.set(value, n - 1);
    else m.delete(value);
    if (!m.size) this.map.delete(key);
  }

  get(key: string): string | undefined {
    this.lookups++;
    const m = this.map.get(key);
    if (!m) return undefined;
    return m.size === 1 ? m.keys().next().value : 'Participant';
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

export interface Match {
  start: number;
  end: number;
  pseudonym: string;
  /** The word carried a possessive or inflection ending. */
  possessive: boolean;
}

/** Whole names (as phrases of words) and name parts, each to the pseudonym of whoever bears it. */
export class NameIndex {
  private readonly phrases = new CountedMap();
  private readonly parts = new CountedMap();
  /** The most words any known name has: bounds the phrase lengths tried at each word. */
  private longest = 1;

  add(name: string, pseudonym: string): void {
    const { phrase, parts } = nameKeys(name);
    if (!phrase) return;
    this.phrases.add(phrase, pseudonym);
    this.longest = Math.max(this.longest, phrase.split(' ').length);
    for (const p of parts) this.parts.add(p, pseudonym);
  }

  remove(name: string, pseudonym: string): void {
    const { phrase, parts } = nameKeys(name);
    if (!phrase) return;
    this.phrases.remove(phrase, pseudonym);
    for (const p of parts) this.parts.remove(p, pseudonym);
  }

  clear(): void {
    this.phrases.clear();
    this.parts.clear();
    this.longest = 1;
  }

  /** Map entries held (for the linearity test). */
  get size(): number {
    return this.phrases.size + this.parts.size;
  }

  /** Hash lookups made so far (for the linearity test). */
  get lookups(): number {
    return this.phrases.lookups + this.parts.lookups;
  }

  /**
   * Names found in `text`, left to right: at each word the longest whole
   * name that starts there (its words separated by spaces, hyphens or dots),
   * else a name part; a word may end in "s" or "es".
   */
  find(text: string): Match[] {
    const ws = words(text);
    // Whether word j and word j+1 may belong to one name.
    const joined = ws.map((w, j) => j + 1 < ws.length && /^[\s\-‐.]*\(?$/u.test(text.slice(w.end, ws[j + 1]!.start)));
    const out: Match[] = [];
    for (let i = 0; i < ws.length;) {
      let run = 1;
      while (run < this.longest && i + run - 1 < ws.length - 1 && joined[i + run - 1]) run++;
      let found: Match | undefined;
      for (let n = run; n >= 1 && !found; n--) {
        const head = ws.slice(i, i + n - 1).map((w) => w.key);
        const last = ws[i + n - 1]!;
        found = this.at(last, (key) => this.phrases.get([...head, key].join(' ')), n === 1 ? last.letters : Infinity);
        if (!found && n === 1) found = this.at(last, (key) => this.parts.get(key), last.letters, MIN_PART_LETTERS);
        if (found) {
          found.start = ws[i]!.start;
          // "Anna (2)": the closing bracket belongs to the name.
          if (n > 1 && text[found.end] === ')' && text.slice(ws[i + n - 2]!.end, last.start).includes('(')) found.end++;
          i += n;
        }
      }
      if (found) out.push(found);
      else i++;
    }
    return out;
  }

  // The word as it is, else without an ending (if what is left is long enough).
  private at(w: { start: number; end: number; key: string }, get: (key: string) => string | undefined, wordLetters: number, min = 0): Match | undefined {
    if (wordLetters < min) return undefined;
    const exact = get(w.key);
    if (exact) return { start: w.start, end: w.end, pseudonym: exact, possessive: false };
    for (const s of SUFFIXES) {
      if (!w.key.endsWith(s) || letters(w.key) - s.length < MIN_PART_LETTERS) continue;
      const p = get(w.key.slice(0, -s.length));
      if (p) return { start: w.start, end: w.end, pseudonym: p, possessive: true };
    }
    return undefined;
  }
}
