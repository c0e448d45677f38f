// Types of the wire protocol as the test clients see it, derived from
// shared/protocol.ts: renaming a method or a field there fails `tsc` here.
import type { ErrorInfo, Method, NotificationData, NotificationName, Params, Result } from '../../shared/protocol.js';

export type { Method, NotificationName, Params, Result };

/**
 * One response. `data` is the method's result when `ok` (undefined
 * otherwise: check `ok`, or match the reply with toMatchObject, first).
 */
export interface Reply<T = unknown> {
  type: 'response';
  id: number | null;
  ok: boolean;
  data: T;
  error?: ErrorInfo;
}

/** What join answers when the caller is in (not waiting in the lobby). */
export type Joined = Extract<Result<'join'>, { status: 'joined' }>;

/** A notification as received, typed by its name. */
export type Notification<N extends NotificationName = NotificationName> = { [K in N]: { method: K; data: NotificationData<K> } }[N];

export type { NotificationData };
