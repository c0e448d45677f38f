import type { ErrorCode } from '../shared/protocol.js';

/**
 * An error whose code and message are safe to send to the client as is.
 * `cause`: what a library (mediasoup) refused, for the debug log.
 */
export class AulaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}
