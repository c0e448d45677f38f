// Display names: the one personal datum aula handles. Any script is welcome;
// what is refused is what could deceive other participants or break a line.
import * as z from 'zod/mini';

export const MAX_DISPLAY_NAME = 64;

// Invisible characters with no job in a name are removed silently. Zero-width
// joiner and non-joiner stay: Persian, Indic scripts and emoji sequences need them.
const ZERO_WIDTH = /[\u200B\u2060\uFEFF\u00AD\u180E]/g;
// Other format characters (tags, invisible operators, ...) are refused.
const OTHER_FORMAT = /(?![\u200C\u200D])\p{Cf}/u;
// Characters that are letters or symbols to Unicode but show as blank.
const BLANK = /[\s\u115F\u1160\u3164\uFFA0\u2800\u200C\u200D]/gu;
// Bidi embedding/override/isolate controls can make a name render as another
// (e.g. reversed text); refused with a message rather than silently changed.
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
// Control characters (C0, DEL, C1) would break log lines and labels; line and
// paragraph separators likewise.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

export type NameResult = { ok: true; name: string } | { ok: false; message: string };

/** NFC-normalise, drop zero-width characters, trim, and check the result. */
export function normaliseDisplayName(input: string): NameResult {
  if (CONTROL.test(input)) return { ok: false, message: 'display name must not contain control characters' };
  if (BIDI_CONTROL.test(input)) return { ok: false, message: 'display name must not contain text-direction control characters' };
  const name = input.normalize('NFC').replace(ZERO_WIDTH, '').trim();
  if (OTHER_FORMAT.test(name)) return { ok: false, message: 'display name must not contain invisible formatting characters' };
  const length = [...name].length; // code points, so "李" and "🙂" count as one
  if (length === 0 || name.replace(BLANK, '') === '') return { ok: false, message: 'display name must not be empty' };
  if (length > MAX_DISPLAY_NAME) return { ok: false, message: `display name: at most ${MAX_DISPLAY_NAME} characters` };
  return { ok: true, name };
}

export const displayNameSchema = z.pipe(
  z.string().check(z.maxLength(MAX_DISPLAY_NAME * 8)), // bound the work before normalising
  z.transform((value: string, ctx) => {
    const r = normaliseDisplayName(value);
    if (r.ok) return r.name;
    ctx.issues.push({ code: 'custom', message: r.message, input: value });
    return z.NEVER;
  }),
);

/** A key under which two names count as the same for the "(2)" suffix. */
export const nameKey = (name: string): string => name.normalize('NFKC').toLocaleLowerCase('und');

/**
 * The name to show for `name` among `taken` (names already shown in the room):
 * "Anna", then "Anna (2)", "Anna (3)", ...
 */
export function distinctName(name: string, taken: Iterable<string>): string {
  const keys = new Set([...taken].map(nameKey));
  if (!keys.has(nameKey(name))) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!keys.has(nameKey(candidate))) return candidate;
  }
}
