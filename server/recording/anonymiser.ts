// Pseudonyms for one recording: every participant becomes "Participant N",
// numbered in order of first appearance and stable for the whole recording
// (also across renames). The names themselves stay in memory, only so that
// they can be replaced inside chat messages; nothing maps a pseudonym back to
// a name on disk, and the map is dropped when the recording stops.
//
// Replacement is word by word (name-index.ts): each whole display name and
// each of its parts of 3 letters or more, in any case, with or without
// accents, in German transliteration, with a possessive ending. A part that
// several people share becomes "Participant". Names of people waiting in the
// lobby are replaced too (by "Participant", as they have no number yet).
import { INVISIBLE, NameIndex } from './name-index.js';

/**
 * Names kept per person: the first few and the current one. An earlier name
 * stays replaceable after a rename, but a participant renaming thousands of
 * times cannot grow the index without bound (issue 14, M4).
 */
export const NAMES_PER_PERSON = 6;

export class Anonymiser {
  private readonly pseudonyms = new Map<string, string>(); // participant id → pseudonym
  private readonly namesOf = new Map<string, string[]>(); // participant id → names kept, oldest first
  private readonly index = new NameIndex();

  /** The participant's pseudonym; `name` is remembered (in memory) for replacement in chat text. */
  pseudonym(participantId: string, name?: string): string {
    let p = this.pseudonyms.get(participantId);
    if (!p) {
      p = `Participant ${this.pseudonyms.size + 1}`;
      this.pseudonyms.set(participantId, p);
    }
    if (name) this.remember(participantId, name, p);
    return p;
  }

  /** Names that are replaced without a number of their own (people in the lobby), by key. */
  others(names: Map<string, string>): void {
    for (const [key, names_] of this.namesOf) {
      if (key.startsWith('other:') && !names.has(key.slice(6))) {
        for (const n of names_) this.index.remove(n, 'Participant');
        this.namesOf.delete(key);
      }
    }
    for (const [key, name] of names) this.remember(`other:${key}`, name, 'Participant');
  }

  get count(): number {
    return this.pseudonyms.size;
  }

  /** Index entries and lookups so far: the linearity test watches these. */
  get stats(): { entries: number; lookups: number } {
    return { entries: this.index.size, lookups: this.index.lookups };
  }

  /** Chat text with every known name replaced by its bearer's pseudonym. */
  scrub(text: string): string {
    const clean = text.normalize('NFC').replace(INVISIBLE, '');
    const matches = this.index.find(clean);
    let out = '';
    let at = 0;
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i]!;
      // "Müller Kevin": one person named twice in a row is one pseudonym.
      let end = m.end;
      let possessive = m.possessive;
      while (
        i + 1 < matches.length &&
        !possessive &&
        matches[i + 1]!.pseudonym === m.pseudonym &&
        /^[\s\-‐]+$/u.test(clean.slice(end, matches[i + 1]!.start))
      ) {
        end = matches[++i]!.end;
        possessive = matches[i]!.possessive;
      }
      out += clean.slice(at, m.start) + m.pseudonym + (possessive ? "'s" : '');
      at = end;
    }
    return out + clean.slice(at);
  }

  /** Forget every name (the recording stopped). */
  clear(): void {
    this.index.clear();
    this.namesOf.clear();
  }

  private remember(key: string, raw: string, pseudonym: string): void {
    const name = raw.normalize('NFC').replace(INVISIBLE, '').trim();
    if (!name) return;
    const kept = this.namesOf.get(key) ?? [];
    if (kept.includes(name)) return;
    // Full: the latest name gives way to the new one; the first ones stay.
    if (kept.length >= NAMES_PER_PERSON) this.forget(kept.pop()!, pseudonym);
    kept.push(name);
    this.namesOf.set(key, kept);
    this.index.add(name, pseudonym);
    // Also the name without a "(2)" suffix the room added to tell two Annas apart.
    const bare = name.replace(/\s*\(\d+\)$/, '');
    if (bare && bare !== name) this.index.add(bare, pseudonym);
  }

  private forget(name: string, pseudonym: string): void {
    this.index.remove(name, pseudonym);
    const bare = name.replace(/\s*\(\d+\)$/, '');
    if (bare && bare !== name) this.index.remove(bare, pseudonym);
  }
}
