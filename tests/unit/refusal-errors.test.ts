// mediasoup 3.21 renamed InvalidStateError to WorkerClosedError and added
// NotFoundError; refusal() maps mediasoup's own error classes, not copies.
import { errors } from 'mediasoup';
import { describe, expect, it } from 'vitest';
import { refusal } from '../../server/media/refusal.js';

describe('refusal() with mediasoup 3.27 errors', () => {
  it("treats a closed worker as a server fault, not the client's mistake", () => {
    expect(refusal('consume', new errors.WorkerClosedError('Channel closed, cannot send request [method:X]'))).toBeUndefined();
  });

  it('answers an entity the worker no longer has with invalid_state', () => {
    expect(refusal('consume', new errors.NotFoundError('Producer not found'))?.code).toBe('invalid_state');
    expect(refusal('consume', new errors.NotFoundError('original Producer closed'))?.code).toBe('invalid_state');
  });

  it('answers parameters mediasoup rejects with invalid_params', () => {
    expect(refusal('produce', new TypeError('invalid kind'))?.code).toBe('invalid_params');
    expect(refusal('produce', new errors.UnsupportedError('codec not supported'))?.code).toBe('invalid_params');
  });
});
