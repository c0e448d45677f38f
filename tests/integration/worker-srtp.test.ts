// SRTP through the real worker, whose libsrtp is Debian's libsrtp2 source
// built with OpenSSL behind aula's libsrtp 3 compat header
// (scripts/mediasoup-worker/subprojects/libsrtp3/include/srtp.h):
// - every suite mediasoup offers survives worker → worker: the payload that
//   went in comes out, so protect and unprotect agree;
// - an independent implementation (ffmpeg's SRTP) encrypts with a key aula
//   hands over, and the worker decrypts it: the compat header passes the key
//   libsrtp really uses (a shim that ignored it would still round-trip).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SUITES: types.SrtpCryptoSuite[] = ['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];
const opus = { kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48000, channels: 2 };
const ip = '127.0.0.1';

let worker: types.Worker;
let router: types.Router;

async function until(what: string, ok: () => boolean | Promise<boolean>, seconds = 60): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function rtp(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = 100;
  h.writeUInt16BE(seq, 2);
  h.writeUInt32BE(seq * 960, 4);
  h.writeUInt32BE(0x1234abcd, 8);
  return Buffer.concat([h, payload]);
}

beforeAll(async () => {
  worker = await mediasoup.createWorker({ logLevel: 'warn' });
  router = await worker.createRouter({ mediaCodecs: [opus] });
});
afterAll(() => worker?.close());

describe('SRTP in the worker (libsrtp with OpenSSL)', () => {
  for (const suite of SUITES) {
    it(`${suite}: RTP encrypted by one transport is decrypted by another, payload intact`, async () => {
      const direct = await router.createDirectTransport();
      const source = await direct.produce({
        kind: 'audio',
        rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 0x1234abcd }] },
      });
      const plain = { listenInfo: { protocol: 'udp' as const, ip }, rtcpMux: true, enableSrtp: true, srtpCryptoSuite: suite };
      const recv = await router.createPlainTransport({ ...plain, comedia: true });
      const send = await router.createPlainTransport({ ...plain, comedia: false });
      // Each side decrypts with the key the other encrypts with.
      await send.connect({ ip, port: recv.tuple.localPort, srtpParameters: recv.srtpParameters! });
      await recv.connect({ srtpParameters: send.srtpParameters! });
      expect(send.srtpParameters!.cryptoSuite).toBe(suite);

      const out = await send.consume({ producerId: source.id, rtpCapabilities: router.rtpCapabilities });
      const back = await recv.produce({ kind: 'audio', rtpParameters: out.rtpParameters });
      const sink = await router.createDirectTransport();
      const tap = await sink.consume({ producerId: back.id, rtpCapabilities: router.rtpCapabilities });
      const received: Buffer[] = [];
      tap.on('rtp', (packet) => received.push(packet));

      const payloads = Array.from({ length: 50 }, () => randomBytes(120));
      let seq = 1;
      const sender = setInterval(() => {
        for (const p of payloads) source.send(rtp(seq++ & 0xffff, p));
      }, 100);
      try {
        await until(`${suite} packets through both transports`, () => received.length >= 20);
      } finally {
        clearInterval(sender);
      }
      const sent = new Set(payloads.map((p) => p.toString('hex')));
      // mediasoup rewrites the header (SSRC, sequence, extensions); the payload is the last 120 bytes.
      for (const packet of received) expect(sent.has(packet.subarray(packet.length - 120).toString('hex'))).toBe(true);
      for (const t of [direct, recv, send, sink]) t.close();
    }, 120_000);
  }

  for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
    it(`${suite}: the worker decrypts SRTP that ffmpeg encrypted with the key given to it`, async () => {
      const key = randomBytes(30).toString('base64');
      const transport = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip },
        // ffmpeg sends RTCP from a socket of its own: on one muxed port comedia
        // would lock onto whichever of the two came first.
        rtcpMux: false,
        comedia: true,
        enableSrtp: true,
        srtpCryptoSuite: suite,
      });
      await transport.connect({ srtpParameters: { cryptoSuite: suite, keyBase64: key } });
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 22222222 }] },
      });
      const ffmpeg = spawn(
        'ffmpeg',
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-re',
          '-f',
          'lavfi',
          '-i',
          'sine=frequency=440:sample_rate=48000',
          '-c:a',
          'libopus',
          '-ac',
          '2',
          '-f',
          'rtp',
          '-ssrc',
          '22222222',
          '-payload_type',
          '100',
          '-srtp_out_suite',
          suite,
          '-srtp_out_params',
          key,
          `srtp://${ip}:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple!.localPort}&pkt_size=1200`,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      try {
        const packets = async () => (await producer.getStats()).reduce((n, s) => n + (s.packetCount ?? 0), 0);
        await until(`${suite} packets from ffmpeg`, async () => (await packets()) >= 20);
      } finally {
        ffmpeg.kill('SIGKILL');
        transport.close();
      }
    }, 120_000);
  }
});
