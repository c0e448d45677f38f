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

  it('prefers the longest of overlapping names', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Anna');
    a.pseudonym('p2', 'Anna Maria');
    a.pseudonym('p3', 'Maria');
    expect(a.scrub('Anna Maria met Anna and Maria')).toBe('Participant 2 met Participant 1 and Participant 3');
  });

  it('handles non-Latin scripts and case folding beyond ASCII', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Жирафа Ксилофонова');
    a.pseudonym('p2', 'Ωμέγα Καναρίνιδης');
    a.pseudonym('p3', '山田太郎');
    expect(a.scrub('привет ЖИРАФА КСИЛОФОНОВА и ωμέγα καναρίνιδης, 山田太郎さん')).toBe(
      'привет Participant 1 и Participant 2, Participant 3さん',
    );
  });

  it('is not fooled by invisible characters or other Unicode forms', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Zoë');
    // "Zoë" with a combining diaeresis (NFD) and a zero-width space inside.
    expect(a.scrub('hi Zo\u200Be\u0308!')).toBe('hi Participant 1!');
  });

  it('replaces very short names only as whole words', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Al');
    expect(a.scrub('Al said also')).toBe('Participant 1 said also');
  });

  it('also replaces the name without the "(2)" the room added', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Anna');
    a.pseudonym('p2', 'Anna (2)');
    expect(a.scrub('Anna (2) here')).toBe('Participant 2 here');
  });

  it('treats names as text, not as patterns', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'a.b*c');
    expect(a.scrub('axbbbc and a.b*c')).toBe('axbbbc and Participant 1');
  });

  it('forgets the names when cleared', () => {
    const a = new Anonymiser();
    a.pseudonym('p1', 'Anna');
    a.clear();
    expect(a.scrub('Anna')).toBe('Anna');
  });
});
