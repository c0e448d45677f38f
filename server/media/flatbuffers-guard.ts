// A guard for mediasoup's shared FlatBuffers builder. mediasoup packs every
// request to its worker with one Builder per channel, and clears it only after
// a message is finished. If packing throws part-way (a value it cannot
// encode), the builder stays "nested" and every later request on that worker
// fails with "object serialization must not be nested" — the stateful fuzzer
// saw this as `internal` answers. Every first step of a new message checks
// `notNested`; when it finds a builder left nested, that message has not
// written anything yet, so clearing the abandoned one and going on is safe.
// The one such request the fuzzer found (a produce whose encoding had a
// non-integer maxBitrate, which mediasoup passes to BigInt()) is now refused by
// the protocol schema; the count lets tests prove no other one reaches mediasoup.
import { Builder } from 'flatbuffers';

const proto = Builder.prototype as unknown as { notNested(): void; isNested: boolean; clear(): void };
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(this) below
const original = proto.notNested;
let abandoned = 0;
/** How many messages were abandoned mid-packing since the process started. */
export function abandonedMessages(): number {
  return abandoned;
}
proto.notNested = function notNested(this: typeof proto) {
  if (this.isNested) {
    abandoned++;
    this.clear();
  }
  original.call(this);
};
