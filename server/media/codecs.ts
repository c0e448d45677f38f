import type { types } from 'mediasoup';

// Opus for speech, VP8 for cameras: every browser decodes both in software,
// and VP8 simulcast is what mediasoup supports best.
export const mediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    preferredPayloadType: 101,
    parameters: { 'x-google-start-bitrate': 600 },
  },
];
