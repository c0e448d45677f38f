// Who is speaking: the media layer's active-speaker observer over every microphone of the main room.
import type { MediaProducer, MediaRouter, SpeakerObserver } from '../media/port.js';
import type { Room, RoomObserver } from '../rooms/room.js';

// Keyed by router too: after a worker died, the room's new router needs a new observer.
const observers = new WeakMap<Room, { router: MediaRouter; observer: Promise<SpeakerObserver> }>();

function observerOf(room: Room): Promise<SpeakerObserver> {
  const entry = observers.get(room);
  let observer = entry?.router === room.router ? entry.observer : undefined;
  if (!observer) {
    observer = room.router.createSpeakerObserver(300, (peerId) => {
      if (room.classroom.activeSpeaker === peerId) return;
      room.classroom.activeSpeaker = peerId;
      room.broadcast('activeSpeaker', { peerId });
    });
    observers.set(room, { router: room.router, observer });
    observer.catch(() => observers.delete(room)); // a failed create is tried again next time
  }
  return observer;
}

function stop(room: Room): void {
  const entry = observers.get(room);
  observers.delete(room);
  void entry?.observer.then((o) => o.close()).catch(() => undefined);
}

/** Closes a room's observer when its meeting ends (rooms themselves persist). */
export const speakerCleanup: RoomObserver = {
  participantAdded: () => undefined,
  participantChanged: () => undefined,
  participantRemoved: (room) => {
    if (room.participants.size === 0) stop(room);
  },
  roomClosed: stop,
};

export async function observeSpeaker(room: Room, producer: MediaProducer): Promise<void> {
  if (producer.kind !== 'audio') return;
  const observer = await observerOf(room);
  if (!producer.closed && !observer.closed) await observer.addProducer(producer.id);
}
