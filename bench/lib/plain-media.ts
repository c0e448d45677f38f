// mediasoup PlainTransports for the cheap high-count mode, shared by the aula
// host and the bare harness so that both carry exactly the same load.
// Producers take ffmpeg's RTP; each listener gets one PlainTransport with SRTP
// (the worker encrypts per listener, as for WebRTC) towards a UDP sink.
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import { AUDIO_PT, VIDEO_PT } from './media-source.js';

/** SRTP suites a listener may use; Chromium negotiates AEAD_AES_256_GCM with aula. */
export const SUITES = ['AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80'] as const;
export type Suite = (typeof SUITES)[number];
// Master key + salt: 32 + 12 bytes for AES-256-GCM, 16 + 14 for AES-CM-128.
const KEY_BYTES: Record<Suite, number> = { AEAD_AES_256_GCM: 44, AES_CM_128_HMAC_SHA1_80: 30 };
const srtpParameters = (suite: Suite) => ({ cryptoSuite: suite, keyBase64: randomBytes(KEY_BYTES[suite]).toString('base64') });

export function rtpParametersFor(kind: 'audio' | 'video', ssrc: number): types.RtpParameters {
  const codec =
    kind === 'video'
      ? { mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000 }
      : { mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2, parameters: { 'sprop-stereo': 1 } };
  return { codecs: [codec], encodings: [{ ssrc }] };
}

export interface PlainProducer {
  transport: types.PlainTransport;
  producer: types.Producer;
  port: number;
  rtcpPort: number;
  ssrc: number;
}

/** A producer fed by RTP sent to the returned port (comedia: the sender's address is learnt). */
export async function plainProducer<A extends types.AppData>(router: types.Router, kind: 'audio' | 'video', appData: A): Promise<PlainProducer> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    // ffmpeg sends RTCP from a socket of its own: with one muxed port, comedia
    // would lock onto whichever came first and drop the other.
    rtcpMux: false,
    comedia: true,
    appData: { direction: 'send' },
  });
  const ssrc = randomBytes(4).readUInt32BE() & 0x7fffffff || 1; // ffmpeg takes signed 32-bit
  const producer = await transport.produce({ kind, rtpParameters: rtpParametersFor(kind, ssrc), appData });
  return { transport, producer, port: transport.tuple.localPort, rtcpPort: transport.rtcpTuple!.localPort, ssrc };
}

/** One listener: a PlainTransport (SRTP) on `router` consuming every producer, sending to the sink. */
export async function plainListener(
  router: types.Router,
  producers: types.Producer[],
  sinkPort: number,
  appData: (p: types.Producer) => types.AppData = () => ({}),
  suite: Suite = 'AES_CM_128_HMAC_SHA1_80',
): Promise<{ transport: types.PlainTransport; consumers: types.Consumer[] }> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: true,
    comedia: false,
    enableSrtp: true,
    srtpCryptoSuite: suite,
    appData: { direction: 'recv' },
  });
  await transport.connect({ ip: '127.0.0.1', port: sinkPort, srtpParameters: srtpParameters(suite) });
  const consumers: types.Consumer[] = [];
  for (const p of producers) {
    consumers.push(await transport.consume({ producerId: p.id, rtpCapabilities: router.rtpCapabilities, appData: appData(p) }));
  }
  return { transport, consumers };
}

/** Packets the producers have received so far, and those they found missing (ffmpeg → worker). */
export async function producerPackets(producers: types.Producer[]): Promise<{ packets: number; lost: number }> {
  let packets = 0;
  let lost = 0;
  for (const p of producers) {
    for (const s of await p.getStats()) {
      packets += s.packetCount ?? 0;
      lost += s.packetsLost ?? 0;
    }
  }
  return { packets, lost };
}
