// Connection quality from WebRTC statistics: packet loss since the last
// sample, and the round-trip time of the active candidate pair. Shown as bars
// on one's own tile and on each remote tile; nothing is sent anywhere.
import type { types } from 'mediasoup-client';

/** 0: not known (yet), 1: poor, 2: fair, 3: good. */
export type Level = 0 | 1 | 2 | 3;

export function levelOf(lossFraction: number | undefined, rttSeconds: number | undefined): Level {
  if (lossFraction === undefined && rttSeconds === undefined) return 0;
  const loss = lossFraction ?? 0;
  const rtt = rttSeconds ?? 0;
  if (loss > 0.08 || rtt > 0.6) return 1;
  if (loss > 0.02 || rtt > 0.3) return 2;
  return 3;
}

interface Counters {
  lost: number;
  received: number;
}

/** Keeps the counters between samples, so each sample measures the last interval. */
export class QualitySampler {
  private readonly last = new Map<string, Counters>();

  /** Loss over the interval for one consumer (undefined: nothing arrived, e.g. paused). */
  async consumerLoss(consumer: types.Consumer): Promise<number | undefined> {
    let lost = 0;
    let received = 0;
    (await consumer.getStats()).forEach((s: { type: string; packetsLost?: number; packetsReceived?: number }) => {
      if (s.type !== 'inbound-rtp') return;
      lost += Math.max(0, s.packetsLost ?? 0);
      received += s.packetsReceived ?? 0;
    });
    const before = this.last.get(consumer.id) ?? { lost: 0, received: 0 };
    this.last.set(consumer.id, { lost, received });
    const dLost = lost - before.lost;
    const dReceived = received - before.received;
    if (dReceived + dLost <= 0) return undefined;
    return Math.max(0, dLost) / (dReceived + Math.max(0, dLost));
  }

  /** The round-trip time of a transport's selected candidate pair, in seconds. */
  async rtt(transport: types.Transport | undefined): Promise<number | undefined> {
    if (!transport) return undefined;
    let rtt: number | undefined;
    (await transport.getStats()).forEach((s: { type: string; nominated?: boolean; state?: string; currentRoundTripTime?: number }) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && typeof s.currentRoundTripTime === 'number') {
        rtt = s.currentRoundTripTime;
      }
    });
    return rtt;
  }

  forget(consumerId: string): void {
    this.last.delete(consumerId);
  }
}
