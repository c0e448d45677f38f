// Publishing over the fake media port: a send transport and a producer, as
// the browser's mediasoup-client would ask for them.
import type { MediaSource } from '../../shared/protocol.js';
import type { FakeClient } from './fake-server.js';

const KIND = { mic: 'audio', camera: 'video', screen: 'video' } as const;
const rtpParameters = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }], encodings: [{ ssrc: 1 }] };

/** Publish `source` (a send transport is made on first use); the reply of produce. */
export async function publish(c: FakeClient, source: MediaSource) {
  let send = sendTransports.get(c);
  if (!send) {
    const t = await c.request('createTransport', { direction: 'send' });
    if (!t.ok) throw new Error(`createTransport: ${t.error?.code}`);
    send = t.data.id;
    sendTransports.set(c, send);
  }
  return c.request('produce', { transportId: send, kind: KIND[source], source, rtpParameters });
}

/** Publish and return the producer id (the test fails if refused). */
export async function published(c: FakeClient, source: MediaSource): Promise<string> {
  const r = await publish(c, source);
  if (!r.ok) throw new Error(`produce ${source}: ${r.error?.code}`);
  return r.data.producerId;
}

/** Forget the send transport (the participant moved to another router and has new transports to make). */
export const forgetTransports = (c: FakeClient) => sendTransports.delete(c);

const sendTransports = new WeakMap<FakeClient, string>();
