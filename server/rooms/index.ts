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

export interface RoomsLayer extends Layer {
  rooms: RoomRegistry;
  /** Slides' PDFs while they are shown. */
  presentations: PresentationFiles;
  /** Rooms brought back from an earlier run. */
  restored: number;
}

export async function createRooms(config: Config, dataDir: string, media: MediaPort, observers: RoomObserver[], log: Logger): Promise<RoomsLayer> {
  const rooms = new RoomRegistry(media, new RoomStore(dataDir), observers, config.rooms.max, log);
  const restored = await rooms.load();
  return {
    rooms,
    presentations: new PresentationFiles(dataDir, config.presentation),
    restored,
    // Everyone is told (roomClosed: server_shutdown) while the sockets are still open.
    drain: () => rooms.shutdown('the server is shutting down'),
  };
}
