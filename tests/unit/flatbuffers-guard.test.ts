// mediasoup's shared FlatBuffers builder, left "nested" by a message whose
// packing threw part-way, must not break every later request on the worker.
import { Builder } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { abandonedMessages } from '../../server/media/flatbuffers-guard.js';

describe('FlatBuffers guard', () => {
  it('a builder abandoned mid-object is cleared by the next message instead of failing it', () => {
    const b = new Builder(64);
    const before = abandonedMessages();
    b.startObject(2); // a message that then threw while packing
    b.addFieldInt32(0, 7, 0);
    const s = b.createString('next message'); // would throw "must not be nested"
    b.startObject(1);
    b.addFieldOffset(0, s, 0);
    b.finish(b.endObject());
    expect(b.asUint8Array().length).toBeGreaterThan(0);
    expect(abandonedMessages()).toBe(before + 1);
  });
});
