// Valid media parameters as a browser sends them (opus; VP8 in three
// simulcast layers with RTX), and mutations that keep them near-valid:
// encodings, rids, scalability modes, SSRCs, payload types, header
// extensions, DTLS parameters. Every choice comes from a seeded generator,
// so a run is reproducible from its seed.

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  /** One of several weighted choices. */
  weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T {
    const total = choices.reduce((n, [w]) => n + w, 0);
    let r = this.next() * total;
    for (const [w, v] of choices) if ((r -= w) < 0) return v;
    return choices[choices.length - 1]![1];
  }
}

const EXT = {
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  rrid: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  twcc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
} as const;

const ext = (uri: string, id: number) => ({ uri, id, encrypt: false, parameters: {} });

export function micParameters(rng: Rng): any {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1 },
        rtcpFeedback: [{ type: 'transport-cc' }],
      },
    ],
    headerExtensions: [ext(EXT.mid, 4), ext(EXT.audioLevel, 1), ext(EXT.absSendTime, 2), ext(EXT.twcc, 3)],
    encodings: [{ ssrc: 1 + rng.int(2 ** 31), dtx: false }],
    rtcp: { cname: `fuzz${rng.int(1e6)}`, reducedSize: true },
  };
}

export function cameraParameters(rng: Rng): any {
  const fb = [{ type: 'goog-remb' }, { type: 'transport-cc' }, { type: 'ccm', parameter: 'fir' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' }];
  return {
    mid: '1',
    codecs: [
      { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: fb },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 }, rtcpFeedback: [] },
    ],
    headerExtensions: [ext(EXT.mid, 4), ext(EXT.rid, 10), ext(EXT.rrid, 11), ext(EXT.absSendTime, 2), ext(EXT.twcc, 3)],
    encodings: [
      { rid: 'r0', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
      { rid: 'r1', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
      { rid: 'r2', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
    ].map((e) => (rng.chance(0.2) ? { ...e, rid: undefined, ssrc: 1 + rng.int(2 ** 31) } : e)),
    rtcp: { cname: `fuzz${rng.int(1e6)}`, reducedSize: true },
  };
}

/** DTLS parameters as a browser sends them (the fingerprint of a certificate it never shows). */
export function dtlsParameters(rng: Rng): any {
  const hex = Array.from({ length: 32 }, () => rng.int(256).toString(16).padStart(2, '0').toUpperCase()).join(':');
  return { role: rng.pick(['client', 'server', 'auto']), fingerprints: [{ algorithm: 'sha-256', value: hex }] };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Odd values of every type that a field might get. */
function oddValue(rng: Rng): unknown {
  return rng.pick<unknown>([0, -1, 1.5, 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER, '', 'x', 'L9T9', '0'.repeat(40), null, true, [], {}, [1, 2], { a: 1 }]);
}

/** One near-valid change to RTP parameters. */
export function mutateRtp(rng: Rng, rtp: any): any {
  const p = clone(rtp);
  const enc = p.encodings?.length ? p.encodings[rng.int(p.encodings.length)] : undefined;
  const codec = p.codecs[rng.int(p.codecs.length)];
  const hx = p.headerExtensions?.length ? p.headerExtensions[rng.int(p.headerExtensions.length)] : undefined;
  const m = rng.int(30);
  switch (m) {
    case 0:
      p.encodings = [];
      break;
    case 1:
      if (enc) delete enc.rid;
      break;
    case 2:
      if (p.encodings?.length > 1) p.encodings[1].rid = p.encodings[0].rid ?? 'r0';
      break;
    case 3:
      if (enc) enc.rid = rng.pick(['', 'x'.repeat(64), 'r 0', 'r\u00e9', 'r0;r1']);
      break;
    case 4:
      if (enc) enc.scalabilityMode = rng.pick(['L9T9', 'S3T3', 'L3T3_KEY', 'L1T0', 'garbage', '', 'L1T3h']);
      break;
    case 5:
      if (enc) enc.ssrc = rng.pick([0, -1, 2 ** 32, 2 ** 32 - 1, 1.5, '1234', null]);
      break;
    case 6:
      if (p.encodings?.length > 1) {
        p.encodings[0].ssrc = 4242;
        p.encodings[1].ssrc = 4242;
        delete p.encodings[0].rid;
        delete p.encodings[1].rid;
      }
      break;
    case 7:
      if (enc) enc.rtx = { ssrc: enc.ssrc ?? 77 };
      break;
    case 8:
      if (enc) enc.maxBitrate = rng.pick([-1, 0, 1e20, 'fast', Number.MAX_SAFE_INTEGER]);
      break;
    case 9:
      if (enc) enc.scaleResolutionDownBy = rng.pick([0, -2, 0.5, 1e9, 'x']);
      break;
    case 10:
      codec.payloadType = rng.pick([-1, 0, 127, 128, 255, 300, 1.5, '96']);
      break;
    case 11:
      if (p.codecs.length > 1) p.codecs[1].payloadType = p.codecs[0].payloadType;
      break;
    case 12:
      codec.mimeType = rng.pick(['video/H264', 'video/VP9', 'video/AV1', 'audio/opus', 'video/vp8', 'audio/PCMU', 'video/', 'x']);
      break;
    case 13:
      if (codec.parameters) codec.parameters.apt = rng.pick([0, 1, 999, -5, 'x']);
      break;
    case 14:
      codec.clockRate = rng.pick([1, 8000, 90000, 48000, 2 ** 31]);
      break;
    case 15:
      codec.channels = rng.pick([0, 1, 2, 99, -1]);
      break;
    case 16:
      codec.rtcpFeedback = [{ type: rng.pick(['', 'nack', 'x'.repeat(60)]), parameter: oddValue(rng) }];
      break;
    case 17:
      codec.parameters = { [rng.pick(['profile-id', 'apt', 'x-google-start-bitrate', 'packetization-mode'])]: oddValue(rng) };
      break;
    case 18:
      if (hx) hx.id = rng.pick([0, -1, 15, 16, 255, 256, 1.5]);
      break;
    case 19:
      if (p.headerExtensions?.length > 1) p.headerExtensions[1].id = p.headerExtensions[0].id;
      break;
    case 20:
      if (hx) hx.uri = rng.pick(['', 'urn:unknown', 'urn:ietf:params:rtp-hdrext:toffset', EXT.mid]);
      break;
    case 21:
      if (hx) hx.encrypt = oddValue(rng);
      break;
    case 22:
      p.mid = rng.pick(['', '1', '0', 'x'.repeat(32)]);
      break;
    case 23:
      p.rtcp = { cname: rng.pick(['', 'x'.repeat(300), 42]), reducedSize: oddValue(rng) };
      break;
    case 24:
      p.codecs = [p.codecs[p.codecs.length - 1]];
      break; // only RTX, or only one codec
    case 25:
      p.codecs.push(clone(codec));
      break;
    case 26:
      if (enc) Object.assign(enc, { [rng.pick(['dtx', 'active', 'codecPayloadType', 'maxFramerate', 'priority'])]: oddValue(rng) });
      break;
    case 27:
      if (p.encodings) while (p.encodings.length < 8) p.encodings.push({ ...clone(p.encodings[0] ?? {}), rid: `r${p.encodings.length}` });
      break;
    case 28:
      delete p.headerExtensions;
      delete p.mid;
      break;
    default:
      p[rng.pick(['codecs', 'encodings', 'headerExtensions', 'rtcp'])] = rng.pick<unknown>([[], [{}], {}, [{ a: 1 }]]);
      break;
  }
  return p;
}

export function mutateDtls(rng: Rng, dtls: any): any {
  const d = clone(dtls);
  switch (rng.int(7)) {
    case 0:
      d.fingerprints[0].algorithm = rng.pick(['sha-999', 'md5', 'SHA-256', '', 'sha-1']);
      break;
    case 1:
      d.fingerprints[0].value = rng.pick(['', 'zz', 'AA:BB', '00'.repeat(100)]);
      break;
    case 2:
      d.fingerprints = Array.from({ length: 8 }, () => clone(d.fingerprints[0]));
      break;
    case 3:
      d.role = 'server';
      break;
    case 4:
      delete d.role;
      break;
    case 5:
      d.fingerprints.push({ algorithm: 'sha-512', value: d.fingerprints[0].value });
      break;
    default:
      d.fingerprints[0].algorithm = 'sha-1';
      break;
  }
  return d;
}
