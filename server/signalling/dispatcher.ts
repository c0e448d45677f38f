// socket frame → validated request → role/order checks → feature handler → reply.
// Every request gets exactly one response, whatever the handler does: throws,
// never settles (a bounded time, then `timeout`, and the connection's queue
// moves on), or returns something that cannot be sent (`internal`).
import { type ErrorInfo, type Method, parseRequest, requestId, type ResponseMessage } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import { hasPermission } from '../rooms/permissions.js';
import type { Handler, Services } from './handler.js';
import type { Session } from './session.js';

/** How long one request may take before the client is told `timeout`. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface DispatcherOptions {
  requestTimeoutMs?: number;
}

type Settled = { ok: true; data: unknown } | { ok: false; err: unknown };

/** The strings of a request's parameters (names, chat text, tokens): never to be logged. */
function stringsOf(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') {
    if (value.length >= 3) out.push(value);
  } else if (value && typeof value === 'object' && depth < 4 && out.length < 50) {
    for (const v of Object.values(value)) stringsOf(v, out, depth + 1);
  }
  return out;
}
type Outcome = Settled | { timedOut: true };

/**
 * The id of a request frame that will not be dispatched (refused before
 * parsing: too many in flight, too fast), so that its refusal can name it.
 */
export function requestIdOf(raw: string): number | null {
  try {
    const parsed = requestId.safeParse((JSON.parse(raw) as { id?: unknown } | null)?.id);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class Dispatcher {
  private readonly handlers = new Map<Method, Handler>();
  private readonly timeoutMs: number;

  constructor(
    private readonly services: Services,
    /** Told the code of every error answer (for metrics). */
    private readonly onError: (code: string) => void = () => undefined,
    options: DispatcherOptions = {},
  ) {
    this.timeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  register(handlers: Handler[]): this {
    for (const h of handlers) {
      if (this.handlers.has(h.method)) throw new Error(`two handlers for ${h.method}`);
      this.handlers.set(h.method, h);
    }
    return this;
  }

  /** Handle one frame; always answers with exactly one response, within the timeout. Never throws. */
  async dispatch(session: Session, raw: string): Promise<void> {
    const parsed = parseRequest(raw);
    if (!parsed.ok) return this.fail(session, parsed.id, parsed.error);
    const { id, method, params } = parsed;
    const fault = (err: unknown) => this.toErrorInfo(method, err, params);
    let timer: NodeJS.Timeout | undefined;
    const work = this.run(session, method, params).then(
      (data): Settled => ({ ok: true, data }),
      (err: unknown): Settled => ({ ok: false, err }),
    );
    const deadline = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ timedOut: true }), this.timeoutMs);
    });
    const outcome = await Promise.race([work, deadline]);
    clearTimeout(timer);
    if ('timedOut' in outcome) {
      // What the handler does later is not sent: the client has its answer.
      this.services.log.warn({ method, timeoutMs: this.timeoutMs }, 'request timed out');
      void work.then((late) => {
        if (!late.ok) fault(late.err);
      });
      return this.fail(session, id, { code: 'timeout', message: `${method} took too long on the server; it may or may not have taken effect` });
    }
    if (!outcome.ok) return this.fail(session, id, fault(outcome.err));
    const response: ResponseMessage = { type: 'response', id, ok: true, data: outcome.data };
    let text: string;
    try {
      text = JSON.stringify(response);
    } catch (err) {
      return this.fail(session, id, fault(err));
    }
    this.deliver(session, text);
  }

  private fail(session: Session, id: number | null, error: ErrorInfo): void {
    this.onError(error.code);
    this.deliver(session, JSON.stringify({ type: 'response', id, ok: false, error }));
  }

  private deliver(session: Session, text: string): void {
    try {
      session.sendText(text);
    } catch (err) {
      this.services.log.debug({ err: (err as Error)?.message }, 'response could not be sent');
    }
  }

  private async run(session: Session, method: Method, params: unknown): Promise<unknown> {
    const handler = this.handlers.get(method);
    if (!handler) throw new AulaError('unknown_method', `method "${method}" is not available`);
    // The params were validated against this method's schema by parseRequest.
    if (!handler.joined) return handler.handle({ session, services: this.services }, params as never);
    const { room, participant } = session;
    if (!room || !participant) throw new AulaError('not_joined', `${method}: join a room first`);
    if (handler.permission && !hasPermission(participant.role, handler.permission)) {
      throw new AulaError('forbidden', `${method}: your role may not do this`);
    }
    return handler.handle({ session, services: this.services, room, participant }, params as never);
  }

  private toErrorInfo(method: Method, err: unknown, params: unknown): ErrorInfo {
    if (err instanceof AulaError) {
      // A refusal by mediasoup (media/refusal.ts): the client's mistake, worth a debug line only.
      if (err.cause instanceof Error) this.services.log.debug({ method, code: err.code, err: err.cause.message }, 'mediasoup refused the request');
      return { code: err.code, message: err.message };
    }
    // Anything else is aula's own fault (a bug, a TypeError included): logged
    // as an error with where it happened, never with the request's contents
    // (a message that quotes a display name or chat text has it cut out).
    const e = err instanceof Error ? err : new Error(String(err));
    const at = e.stack
      ?.split('\n')
      .find((l) => l.includes('/server/'))
      ?.trim();
    let message = `${e.name}: ${e.message}`;
    for (const s of stringsOf(params)) message = message.split(s).join('…');
    this.services.log.error({ method, err: message.slice(0, 300), at }, 'request failed');
    return { code: 'internal', message: `${method} failed on the server` };
  }
}
