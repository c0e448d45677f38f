// Pseudonyms in a recording, and names replaced inside chat text.
import { describe, expect, it } from 'vitest';
import { Anonymiser } from '../../server/recording/anonymiser.js';

describe('Anonymiser', () => {
  it('numbers participants in order of appearance, stable across renames', () => {
    const a = new Anonymiser();
    expect(a.pseudonym('p1', 'Anna')).toBe('Participant 1');
    expect(a.pseudonym('p2', 'Ben')).toBe('Participant 2');
    expect(a.pseudonym('p1', 'Anna Lena')).toBe('Participant 1');
    expect(a.pseudonym('p3')).toBe('Participant 3');
    // Both the old and the new name are replaced.
    expect(a.scrub('Anna, or Anna Lena?')).toBe('Participant 1, or Participant 1?');
  });

  it('replaces names inside messages, whatever their case', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Maximilian');
    a.pseudonym('p2', 'Zoë Weiß');
    expect(a.scrub('ask MAXIMILIAN or zoë weiß, maximilian knows')).toBe('ask Participant 1 or Participant 2, Participant 1 knows');
    // A name glued to a suffix still names the person.
    expect(a.scrub("Maximilian's notes")).toBe("Participant 1's notes");
  });

  it('prefers the longest of overlapping names (a shared part alone names nobody in particular)', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Anna');
    a.pseudonym('p2', 'Anna Maria');
    a.pseudonym('p3', 'Maria');
    expect(a.scrub('Anna Maria met Anna and Maria')).toBe('Participant 2 met Participant 1 and Participant 3');
    a.pseudonym('p4', 'Maria Schmidt');
    expect(a.scrub('Schmidt and Maria')).toBe('Participant 4 and Participant 3');
    a.pseudonym('p5', 'Lena Schmidt');
    expect(a.scrub('Schmidt')).toBe('Participant');
  });

  it('handles non-Latin scripts and case folding beyond ASCII', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Жирафа Ксилофонова');
    a.pseudonym('p2', 'Ωμέγα Καναρίνιδης');
    a.pseudonym('p3', '山田太郎');
    expect(a.scrub('привет ЖИРАФА КСИЛОФОНОВА и ωμέγα καναρίνιδης, 山田太郎さん')).toBe('привет Participant 1 и Participant 2, Participant 3さん');
  });

  it('is not fooled by invisible characters or other Unicode forms', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Zoë');
    // "Zoë" with a combining diaeresis (NFD) and a zero-width space inside.
    expect(a.scrub('hi Zo\u200Be\u0308!')).toBe('hi Participant 1!');
  });

  it('a 2-letter name: replaced as a whole word; a 2-letter part of a longer name is not replaced alone', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Al');
    a.pseudonym('p2', 'Jo Weber');
    expect(a.scrub('Al said also: Als ob. Jo Weber, jo, Weber')).toBe('Participant 1 said also: Als ob. Participant 2, jo, Participant 2');
  });

  it('also replaces the name without the "(2)" the room added', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Anna');
    a.pseudonym('p2', 'Anna (2)');
    expect(a.scrub('Anna (2) here')).toBe('Participant 2 here');
  });

  it('treats names as text, not as patterns', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Ann+ (Lee)*');
    expect(a.scrub('Annnn and Ann and Lee')).toBe('Annnn and Participant 1 and Participant 1');
  });

  it('the issue 21 example: every part of every name, the honorific stays', () => {
    const a = new Anonymiser();
    a.pseudonym('t', 'Oberstudienrätin Wagner');
    a.pseudonym('k', 'Kevin Müller');
    expect(a.scrub('Frau Wagner, ich habe eine Frage, Kevin hier')).toBe('Frau Participant 1, ich habe eine Frage, Participant 2 hier');
    expect(a.scrub('Liebe Oberstudienrätin Wagner')).toBe('Liebe Participant 1');
  });

  it('German transliterations, accents and case: Müller = Mueller = Muller = MÜLLER', () => {
    const a = new Anonymiser();
    a.pseudonym('k', 'Kevin Müller');
    a.pseudonym('s', 'Jürgen Weiß-Strauß');
    a.pseudonym('c', 'Chloé Åström');
    expect(a.scrub('Müller, Mueller, Muller, MÜLLER, MUELLER')).toBe('Participant 1, Participant 1, Participant 1, Participant 1, Participant 1');
    expect(a.scrub('Juergen Weiss, Jurgen Strauss, weiss-strauss')).toBe('Participant 2, Participant 2, Participant 2');
    expect(a.scrub('chloe astrom and CHLOÉ')).toBe('Participant 3 and Participant 3');
  });

  it('possessive and inflected forms', () => {
    const a = new Anonymiser();
    a.pseudonym('t', 'Frau Wagner');
    a.pseudonym('k', 'Kevin');
    a.pseudonym('m', 'Max');
    expect(a.scrub("Wagner's slides, Wagners Folien, Kevins Frage, Kevin’s turn, Maxes Heft")).toBe(
      "Participant 1's slides, Participant 1's Folien, Participant 2's Frage, Participant 2’s turn, Participant 3's Heft",
    );
  });

  it('titles and honorifics stay; a title alone is not a name', () => {
    const a = new Anonymiser();
    a.pseudonym('p', 'Prof. Dr. Herbert Maier');
    a.pseudonym('h', 'Herr Schulz');
    expect(a.scrub('Herr Prof. Maier, Dr. Herbert und Herr Schulz')).toBe('Herr Prof. Participant 1, Dr. Participant 1 und Participant 2');
    expect(a.scrub('Frau Dr. Weber und der Professor')).toBe('Frau Dr. Weber und der Professor');
  });

  it('"Kevinsen": a name inside another word is left alone (a different word or person)', () => {
    const a = new Anonymiser();
    a.pseudonym('k', 'Kevin');
    a.pseudonym('t', 'Tom Ben');
    expect(a.scrub('Kevinsen, Tomate, Benzin, Kevin')).toBe('Kevinsen, Tomate, Benzin, Participant 1');
  });

  it('earlier names after a rename; people in the lobby', () => {
    const a = new Anonymiser();
    a.pseudonym('k', 'Kevin Müller');
    a.pseudonym('k', 'KM');
    a.others(new Map([['l1', 'Lotte Lobbyhuber']]));
    expect(a.scrub('Kevin, KM, Lotte Lobbyhuber, Lobbyhuber')).toBe('Participant 1, Participant 1, Participant, Participant');
    a.others(new Map());
    expect(a.scrub('Lobbyhuber')).toBe('Lobbyhuber');
  });

  it('stays linear as names are added: 200 renames, then one message (issue 14, M4)', () => {
    const a = new Anonymiser();
    a.pseudonym('t', 'Oberstudienrätin Wagner');
    const message = 'Frau Wagner, ich habe eine Frage zu n0 und n199, Kevin hier';
    const lookupsFor = () => {
      const before = a.stats.lookups;
      a.scrub(message);
      return a.stats.lookups - before;
    };
    const first = lookupsFor();
    const entries: number[] = [];
    for (let i = 0; i < 200; i++) {
      a.pseudonym('k', `n${i}`);
      entries.push(a.stats.entries);
    }
    // The index holds a bounded number of names per person, not every rename…
    expect(entries.at(-1)).toBe(entries[10]);
    // …and a message costs the same lookups (one pass over its words) however many names came and went.
    expect(lookupsFor()).toBe(first);
    const t0 = performance.now();
    const out = a.scrub(message);
    console.log(`anonymiser: one chat message after 200 renames: ${(performance.now() - t0).toFixed(3)} ms, ${a.stats.entries} index entries`);
    expect(out).toBe('Frau Participant 1, ich habe eine Frage zu Participant 2 und Participant 2, Kevin hier');
  });

  it('forgets the names when cleared', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Anna');
    a.clear();
    expect(a.scrub('Anna')).toBe('Anna');
  });
});
