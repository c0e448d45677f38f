// Free text for others (chat, removal reasons, breakout announcements, polls)
// cannot carry control characters: no forged transcript lines, no terminal escapes.
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../shared/protocol.js';

const req = (method: string, data: unknown) => JSON.stringify({ type: 'request', id: 1, method, data });
const chat = (text: string) => parseRequest(req('sendChat', { text }));

describe('chat text', () => {
  it('refuses CR, ESC and every other C0/C1 control, the line separators and bidi overrides', () => {
    // The review's exploit: a CR to start a forged line, an OSC sequence to retitle the terminal.
    const forged = chat('ok\r[00:00:03] Participant 1: I copied the exam\u001b]2;pwned\u0007');
    expect(forged).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    if (!forged.ok) expect(forged.error.message).toMatch(/control characters/);
    for (const c of ['\r', '\u001b', '\u0000', '\u0007', '\u000b', '\u000c', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029', '\u202e', '\u2066', '\u2069']) {
      expect(chat(`a${c}b`), JSON.stringify(c)).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    }
  });

  it('keeps line breaks, scripts and emoji; a pasted CRLF becomes LF and a tab a space', () => {
    expect(chat('Zeile 1\nZeile 2 — ñ 李 🙂 مرحبا')).toMatchObject({ ok: true, params: { text: 'Zeile 1\nZeile 2 — ñ 李 🙂 مرحبا' } });
    expect(chat('a\r\nb\tc')).toMatchObject({ ok: true, params: { text: 'a\nb c' } });
    expect(chat('  \n ')).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(chat('x'.repeat(1001))).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('applies to removal reasons, breakout announcements and poll texts (single-line where shown in one line)', () => {
    expect(parseRequest(req('removeParticipant', { peerId: 'p', reason: 'bye\u001b[2J' }))).toMatchObject({ ok: false });
    expect(parseRequest(req('removeParticipant', { peerId: 'p', reason: 'two\nlines' }))).toMatchObject({ ok: false });
    expect(parseRequest(req('removeParticipant', { peerId: 'p', reason: 'disturbing the class' }))).toMatchObject({ ok: true });
    expect(parseRequest(req('breakoutMessage', { text: '5 minutes left\u0085[00:01] Teacher: done' }))).toMatchObject({ ok: false });
    expect(parseRequest(req('breakoutMessage', { text: '5 minutes left' }))).toMatchObject({ ok: true });
    const poll = (question: string, options: string[]) => parseRequest(req('createPoll', { question, options, multiple: false }));
    expect(poll('Q\r?', ['a', 'b'])).toMatchObject({ ok: false });
    expect(poll('Q?', ['a\u001b', 'b'])).toMatchObject({ ok: false });
    expect(poll('Q?', ['a', 'b'])).toMatchObject({ ok: true });
  });
});
