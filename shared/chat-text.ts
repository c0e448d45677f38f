// Free text that people type for others (chat, a moderator's removal reason,
// a breakout announcement, poll questions): any script, emoji and line breaks,
// but nothing that could drive a terminal or forge a line of the recording's
// transcript. Text is refused with a message, never silently changed, with two
// harmless exceptions a paste brings along: CRLF becomes LF and a tab a space.
import * as z from 'zod/mini';

// C0 controls except LF, DEL, C1 controls (U+0085 NEL among them), the line and
// paragraph separators, and the bidi embedding/override/isolate controls that
// make text show in another order than it is stored.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const REFUSED = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

export function textSchema(max: number, { multiline }: { multiline: boolean }) {
  const normalised = z.pipe(
    z.string().check(z.maxLength(max * 4)), // bound the work before normalising
    z.transform((s: string) => s.replace(/\r\n/g, '\n').replace(/\t/g, ' ').trim()),
  );
  return z.pipe(
    normalised.check(
      z.refine((s: string) => !REFUSED.test(s) && (multiline || !s.includes('\n')), {
        message: multiline ? 'text must not contain control characters (line breaks are fine)' : 'text must not contain control characters or line breaks',
      }),
    ),
    z.string().check(z.maxLength(max)),
  );
}

/** As textSchema, and not empty once trimmed. */
export const nonEmptyText = (max: number, options: { multiline: boolean }) => z.pipe(textSchema(max, options), z.string().check(z.minLength(1)));
