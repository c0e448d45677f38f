// Transports, producers and consumers of a joined participant.
import { AulaError } from '../errors.js';
import type { DtlsParameters, RtpParameters } from '../media/port.js';
import { refusable } from '../media/refusal.js';
import { hasPermission } from '../rooms/permissions.js';
import { joinedHandler } from '../signalling/handler.js';
import { observeSpeaker } from './active-speaker.js';

const KIND_OF = { mic: 'audio', camera: 'video', screen: 'video' } as const;

export const mediaHandlers = [
  joinedHandler('createTransport', undefined, async ({ participant }, { direction }) => {
    const t = await participant.media.createTransport(direction);
    return {
      id: t.id,
      iceParameters: t.iceParameters as unknown as Record<string, unknown>,
      iceCandidates: t.iceCandidates as unknown as Record<string, unknown>[],
      dtlsParameters: t.dtlsParameters as unknown as Record<string, unknown>,
    };
  }),

  joinedHandler('connectTransport', undefined, async ({ participant }, { transportId, dtlsParameters }) => {
    const transport = participant.media.transport(transportId);
    await refusable('connectTransport', () => transport.connect({ dtlsParameters: dtlsParameters as DtlsParameters }));
    return {};
  }),

  joinedHandler('produce', 'publish', async ({ room, participant }, { transportId, kind, source, rtpParameters }) => {
    const expected = KIND_OF[source];
    if (kind !== expected) throw new AulaError('invalid_params', `produce: source ${source} must be ${expected}`);
    const { classroom } = room;
    if (source === 'screen') {
      if (!hasPermission(participant.role, 'shareScreen')) throw new AulaError('forbidden', 'produce: your role may not share the screen');
      const sharing = room.producers(undefined, participant.group).some((p) => p.source === 'screen') || classroom.screensPending > 0;
      if (sharing && !classroom.multipleScreens) throw new AulaError('busy', 'someone else is sharing their screen');
    }
    if (source === 'mic' && !participant.mayUnmute) {
      // A moderator muted this person; they may not start a new microphone either.
      throw new AulaError('muted_by_moderator', 'a moderator muted you');
    }
    // Reserved before the await, so that two presenters cannot both start.
    if (source === 'screen') classroom.screensPending++;
    let producer;
    try {
      producer = await participant.media.produce(transportId, kind, rtpParameters as unknown as RtpParameters, {
        peerId: participant.id,
        source,
      });
    } finally {
      if (source === 'screen') classroom.screensPending--;
    }
    // A moderator may have muted this person while the microphone was being set up.
    if (source === 'mic' && !participant.mayUnmute) await refusable('produce', () => producer.pause());
    producer.observer.once('close', () => {
      room.broadcastNear(participant, 'producerClosed', { producerId: producer.id, peerId: participant.id });
    });
    // The active speaker is the main room's (a group's microphone is not on the room's router).
    if (!participant.group) void observeSpeaker(room, producer).catch(() => undefined);
    room.broadcastNear(participant, 'producerAdded', { producerId: producer.id, peerId: participant.id, kind, source, paused: producer.paused });
    return { producerId: producer.id };
  }),

  joinedHandler('closeProducer', undefined, async ({ participant }, { producerId }) => {
    participant.media.producer(producerId).close();
    return {};
  }),

  joinedHandler('pauseProducer', undefined, async ({ room, participant }, { producerId }) => {
    const producer = participant.media.producer(producerId);
    await refusable('pauseProducer', () => producer.pause());
    room.broadcastNear(participant, 'producerPaused', { producerId, peerId: participant.id });
    return {};
  }),

  joinedHandler('resumeProducer', undefined, async ({ room, participant }, { producerId }) => {
    const producer = participant.media.producer(producerId);
    if (producer.appData.source === 'mic' && !participant.mayUnmute) {
      throw new AulaError('muted_by_moderator', 'a moderator muted you; ask them to allow unmuting');
    }
    await refusable('resumeProducer', () => producer.resume());
    room.broadcastNear(participant, 'producerResumed', { producerId, peerId: participant.id });
    return {};
  }),

  joinedHandler('consume', 'subscribe', async ({ room, participant }, { producerId }) => {
    const producer = room.findProducer(producerId);
    // Only within one's own breakout group (or the main room).
    const owner = producer && room.participants.get(producer.appData.peerId);
    if (!producer || !owner || owner === participant || owner.group !== participant.group) throw new AulaError('not_found', 'no such producer');
    const consumer = await participant.media.consume(producer, participant.rtpCapabilities);
    consumer.observer.once('close', () => {
      if (room.participants.has(participant.id)) participant.notify('consumerClosed', { consumerId: consumer.id });
    });
    return {
      consumerId: consumer.id,
      producerId: producer.id,
      peerId: producer.appData.peerId,
      kind: consumer.kind,
      source: producer.appData.source,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      producerPaused: consumer.producerPaused,
    };
  }),

  joinedHandler('resumeConsumer', undefined, async ({ participant }, { consumerId }) => {
    const consumer = participant.media.consumer(consumerId);
    await refusable('resumeConsumer', () => consumer.resume());
    return {};
  }),

  joinedHandler('setConsumerPreferences', undefined, async ({ participant }, { consumerId, spatialLayer, paused }) => {
    const consumer = participant.media.consumer(consumerId);
    // A tile off-screen needs no packets at all; a small one needs no large layer.
    await refusable('setConsumerPreferences', async () => {
      if (paused) return consumer.pause();
      if (consumer.type === 'simulcast') await consumer.setPreferredLayers({ spatialLayer, temporalLayer: 2 });
      await consumer.resume();
    });
    return {};
  }),
];
