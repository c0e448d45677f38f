// What mediasoup refuses is the client's mistake, not a server fault: a
// second connect, a resume of something closed, parameters its checks reject.
// Every call from a handler into mediasoup goes through `refusable`, which
// turns such refusals into typed client errors (the dispatcher logs them at
// debug level only). Anything else — aula's own bugs included — stays an
// error and is answered `internal`.
import { AulaError } from '../errors.js';

// The worker's words for "not in a state for this" (MediaSoupError texts).
const STATE = /already called|already exists|not found|closed|is not connected|not (yet )?(produc|consum)ing/i;

/** The typed client error for a mediasoup refusal, or undefined if `err` is no refusal. */
export function refusal(what: string, err: unknown): AulaError | undefined {
  if (err instanceof AulaError) return err;
  if (!(err instanceof Error)) return undefined;
  // The worker process is gone: a server fault (the room moves to a new worker).
  if (/^Channel closed/.test(err.message)) return undefined;
  const code = err.name === 'InvalidStateError' || STATE.test(err.message) ? 'invalid_state' : 'invalid_params';
  return new AulaError(code, `${what}: ${err.message.slice(0, 200)}`, err);
}

/** Run a mediasoup call; what mediasoup refuses becomes a typed client error. */
export async function refusable<T>(what: string, call: () => Promise<T> | T): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw refusal(what, err) ?? err;
  }
}
