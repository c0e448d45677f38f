import { describe, expect, it } from 'vitest';
import { distinctName, normaliseDisplayName } from '../../shared/display-name.js';
import { parseRequest } from '../../shared/protocol.js';

const ok = (input: string) => {
  const r = normaliseDisplayName(input);
  if (!r.ok) throw new Error(`refused ${JSON.stringify(input)}: ${r.message}`);
  return r.name;
};
const refusal = (input: string) => {
  const r = normaliseDisplayName(input);
  return r.ok ? null : r.message;
};

describe('display names', () => {
  it('accepts any script and pseudonyms', () => {
    for (const name of ['Ada', 'Zoë', '李小龙', 'Αθηνά', 'محمد', 'नमस्ते', 'Иван', '🙂 Teacher', 'x']) expect(ok(name)).toBe(name);
  });

  it('normalises to NFC and trims', () => {
    expect(ok('  Zoe\u0308  ')).toBe('Zoë'); // e + combining diaeresis → ë
    expect(ok('Zoe\u0308')).toHaveLength(3);
  });

  it('removes invisible characters but keeps the joiners scripts and emoji need', () => {
    expect(ok('A\u200Bd\u00ADa\uFEFF')).toBe('Ada');
    expect(ok('👩\u200D🏫')).toBe('👩\u200D🏫'); // teacher emoji: a ZWJ sequence
    expect(ok('می\u200Cخواهم')).toBe('می\u200Cخواهم'); // Persian with a zero-width non-joiner
    expect(refusal('\u200B\u200B')).toMatch(/empty/);
  });

  it('refuses names that only look empty, and hidden formatting', () => {
    expect(refusal('\u3164')).toMatch(/empty/); // Hangul filler
    expect(refusal('\u2800\u2800')).toMatch(/empty/); // braille blank
    expect(refusal('\u200D')).toMatch(/empty/);
    expect(refusal('Ada\u{E0041}\u{E0042}')).toMatch(/invisible formatting/); // tag characters
    expect(refusal('a\u2062b')).toMatch(/invisible formatting/); // invisible times
  });

  it('refuses control and bidi-override characters with a message', () => {
    expect(refusal('Eve\n[admin]')).toMatch(/control characters/);
    expect(refusal('Eve\u0000')).toMatch(/control characters/);
    expect(refusal('Eve\u0085')).toMatch(/control characters/); // C1 next line
    expect(refusal('Eve\u2028x')).toMatch(/control characters/);
    expect(refusal('\u202Eevil.exe')).toMatch(/text-direction/); // right-to-left override
    expect(refusal('a\u2066b\u2069')).toMatch(/text-direction/); // isolates
    expect(refusal('a\u200Fb')).toMatch(/text-direction/); // RLM
  });

  it('counts length in characters, 1 to 64', () => {
    expect(ok('🙂'.repeat(64))).toHaveLength(128); // 64 code points, 128 UTF-16 units
    expect(refusal('🙂'.repeat(65))).toMatch(/at most 64/);
    expect(refusal('   ')).toMatch(/empty/);
    expect(refusal('')).toMatch(/empty/);
  });

  it('is applied by the protocol schema, which also bounds the raw input', () => {
    const join = (displayName: string) => parseRequest(JSON.stringify({ type: 'request', id: 1, method: 'join', data: { displayName, rtpCapabilities: {} } }));
    expect(join(' Zoe\u0308 ')).toMatchObject({ ok: true, params: { displayName: 'Zoë' } });
    expect(join('\u202Eabc')).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(join('\u200B'.repeat(10_000))).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });
});

describe('distinct names in a room', () => {
  it('adds (2), (3) to names already shown', () => {
    expect(distinctName('Anna', [])).toBe('Anna');
    expect(distinctName('Anna', ['Anna'])).toBe('Anna (2)');
    expect(distinctName('Anna', ['Anna', 'Anna (2)'])).toBe('Anna (3)');
    expect(distinctName('Anna', ['Bob'])).toBe('Anna');
  });

  it('treats case and compatibility forms as the same name', () => {
    expect(distinctName('anna', ['Anna'])).toBe('anna (2)');
    expect(distinctName('Ａnna', ['Anna'])).toBe('Ａnna (2)'); // full-width A
  });

  it('does not let a typed "(2)" collide', () => {
    expect(distinctName('Anna (2)', ['Anna', 'Anna (2)'])).toBe('Anna (2) (2)');
  });
});
