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

/**
 * An HTTP answer other than success: its status, a stable code a program can
 * test and a message a person can read. server/http/errors.ts sends it as
 * `{"error": {"code", "message"}}`; code and message must hold no personal data.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
