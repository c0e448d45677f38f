// socket frame → validated request → role/order checks → feature handler → reply.
import { type ErrorInfo, type Method, parseRequest } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import { hasPermission } from '../rooms/permissions.js';
import type { Handler, Services } from './handler.js';
import type { Session } from './session.js';

export class Dispatcher {
  private readonly handlers = new Map<Method, Handler>();

  constructor(
    private readonly services: Services,
    /** Told the code of every error answer (for metrics). */
    private readonly onError: (code: string) => void = () => undefined,
  ) {}

  register(handlers: Handler[]): this {
    for (const h of handlers) {
      if (this.handlers.has(h.method)) throw new Error(`two handlers for ${h.method}`);
      this.handlers.set(h.method, h);
    }
    return this;
  }

  /** Handle one frame; always answers with exactly one response. Never throws. */
  async dispatch(session: Session, raw: string): Promise<void> {
    const parsed = parseRequest(raw);
    if (!parsed.ok) {
      this.onError(parsed.error.code);
      session.send({ type: 'response', id: parsed.id, ok: false, error: parsed.error });
      return;
    }
    const { id, method, params } = parsed;
    try {
      const data = await this.run(session, method, params);
      session.send({ type: 'response', id, ok: true, data });
    } catch (err) {
      const error = this.toErrorInfo(method, err);
      this.onError(error.code);
      session.send({ type: 'response', id, ok: false, error });
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

  private toErrorInfo(method: Method, err: unknown): ErrorInfo {
    if (err instanceof AulaError) return { code: err.code, message: err.message };
    // mediasoup rejects malformed RTP/DTLS parameters with TypeError; that is
    // the client's mistake, not ours.
    if (err instanceof TypeError) {
      this.services.log.debug({ method, err: err.message }, 'request rejected as invalid');
      return { code: 'invalid_params', message: `${method}: ${err.message}` };
    }
    this.services.log.error({ method, err: (err as Error)?.message }, 'request failed');
    return { code: 'internal', message: `${method} failed on the server` };
  }
}
