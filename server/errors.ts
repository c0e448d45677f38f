import type { ErrorCode } from '../shared/protocol.js';

/** An error whose code and message are safe to send to the client as is. */
export class AulaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
