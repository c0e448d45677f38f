// The rooms layer: the operator's rooms (kept across restarts without any
// participant data), their routers from the media port, and the slides'
// files while they are shown.
import type { Config } from '../config/config.js';
import type { Layer } from '../lifecycle.js';
import type { Logger } from '../log.js';
import type { MediaPort } from '../media/port.js';
import { PresentationFiles } from '../presentation/files.js';
import { RoomRegistry } from './registry.js';
import type { RoomObserver } from './room.js';
import { RoomStore } from './store.js';
import type { Cluster } from '../cluster/cluster.js';

export interface RoomsLayer extends Layer {
  rooms: RoomRegistry;
  /** Slides' PDFs while they are shown. */
  presentations: PresentationFiles;
  /** Rooms brought back from an earlier run. */
  restored: number;
}

export async function createRooms(
  config: Config,
  dataDir: string,
  media: MediaPort,
  observers: RoomObserver[],
  log: Logger,
  cluster?: Cluster,
): Promise<RoomsLayer> {
  const rooms = new RoomRegistry(media, new RoomStore(dataDir), observers, config.rooms.max, log);
  const restored = await rooms.load();
  await cluster?.start(rooms);
  const presentations = new PresentationFiles(dataDir, config.presentation);
  presentations.roomInUrl = Boolean(cluster);
  return {
    rooms,
    presentations,
    restored,
    // Everyone is told (roomClosed: server_shutdown) while the sockets are still open.
    async drain() {
      if (!cluster) return rooms.shutdown('the server is shutting down');
      // Several nodes: the rooms are released first, so their participants join again on another node.
      await cluster.leave().catch((err) => log.error({ err: (err as Error).message }, 'cluster: leaving failed'));
      rooms.shutdown('this server is restarting; the classroom continues on another one', 'room_moved');
    },
    // After the signalling layer (newer, so closed first) has closed every socket.
    async close() {
      await cluster?.close().catch((err) => log.error({ err: (err as Error).message }, 'cluster: closing failed'));
    },
  };
}
