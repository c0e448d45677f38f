import type { types } from 'mediasoup';
import type { NotificationData, NotificationName, ProducerInfo } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import type { Participant } from './participant.js';

export interface RoomSettings {
  title: string;
  maxParticipants: number;
}

/** A classroom: its router and the participants in it. */
export class Room {
  readonly participants = new Map<string, Participant>();
  readonly createdAt = Date.now();
  private closed = false;

  constructor(
    readonly id: string,
    readonly settings: RoomSettings,
    readonly router: types.Router,
  ) {}

  get title(): string {
    return this.settings.title;
  }

  add(participant: Participant): void {
    if (this.closed) throw new AulaError('not_found', 'room is closed');
    if (this.participants.size >= this.settings.maxParticipants) throw new AulaError('room_full', 'the room is full');
    this.participants.set(participant.id, participant);
  }

  /** Remove a participant and close all its media. Safe to call twice. */
  remove(participant: Participant): boolean {
    if (!this.participants.delete(participant.id)) return false;
    participant.media.close();
    return true;
  }

  broadcast<N extends NotificationName>(name: N, data: NotificationData<N>, except?: Participant): void {
    for (const p of this.participants.values()) if (p !== except) p.notify(name, data);
  }

  findProducer(producerId: string): types.Producer<{ peerId: string; source: 'mic' | 'camera' }> | undefined {
    for (const p of this.participants.values()) {
      const producer = p.media.producers.get(producerId);
      if (producer) return producer;
    }
    return undefined;
  }

  producers(except?: Participant): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const p of this.participants.values()) {
      if (p === except) continue;
      for (const producer of p.media.producers.values()) {
        out.push({
          producerId: producer.id,
          peerId: p.id,
          kind: producer.kind,
          source: producer.appData.source,
          paused: producer.paused,
        });
      }
    }
    return out;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.broadcast('roomClosed', { reason });
    for (const p of [...this.participants.values()]) this.remove(p);
    this.router.close();
  }
}
