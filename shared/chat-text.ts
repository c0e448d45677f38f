// Free text that people type for others (chat, a moderator's removal reason,
// a breakout announcement, poll questions): any script, emoji and line breaks,
// but nothing that could drive a terminal or forge a line of the recording's
// transcript. Text is refused with a message, never silently changed, with two
// harmless exceptions a paste brings along: CRLF becomes LF and a tab a space.
import { z } from 'zod';

// C0 controls except LF, DEL, C1 controls (U+0085 NEL among them), the line and
// paragraph separators, and the bidi embedding/override/isolate controls that
// make text show in another order than it is stored.
const REFUSED = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

export function textSchema(max: number, { multiline }: { multiline: boolean }) {
  return z
    .string()
    .max(max * 4) // bound the work before normalising
    .transform((s) => s.replace(/\r\n/g, '\n').replace(/\t/g, ' ').trim())
    .refine((s) => !REFUSED.test(s) && (multiline || !s.includes('\n')), {
      message: multiline
        ? 'text must not contain control characters (line breaks are fine)'
        : 'text must not contain control characters or line breaks',
    })
    .pipe(z.string().max(max));
}
