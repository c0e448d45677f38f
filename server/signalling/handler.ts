// How a feature plugs into signalling: a handler names its method, whether the
// caller must have joined a room, and the permission it needs. The dispatcher
// does validation, ordering and the role check; the handler only does its job.
import type { Method, Params, Permission, Result } from '../../shared/protocol.js';
import type { AccessControl } from '../access/access.js';
import type { MediaRouter } from '../media/port.js';
import type { IceServer } from '../media/turn.js';
import type { Logger } from '../log.js';
import type { PresentationFiles } from '../presentation/files.js';
import type { RecordingManager } from '../recording/manager.js';
import type { Participant } from '../rooms/participant.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import type { ResumeRegistry } from './resume.js';
import type { Session } from './session.js';

export interface Services {
  rooms: RoomRegistry;
  access: AccessControl;
  /** ICE (TURN) servers for a participant who just got in, and the transport policy. */
  ice(): { iceServers: IceServer[]; iceTransportPolicy: 'all' | 'relay' };
  log: Logger;
  resume: ResumeRegistry;
  /** Recordings, when the server records (tests may leave it out). */
  recordings?: RecordingManager;
  /** Slides' PDFs while they are shown (tests may leave it out). */
  presentations?: PresentationFiles;
  /** Several nodes: tickets that let an admitted participant back in after the room moved. */
  rejoin?: { issue(roomId: string, identity: string): string; valid(ticket: string, roomId: string, identity: string): boolean };
  /** Join attempts per minute of one person (server/access/join-limits.ts). */
  joinsPerMinute: number;
  /** A new router on the least busy worker (for breakout groups). */
  newRouter(): Promise<MediaRouter>;
}

export interface OpenContext {
  session: Session;
  services: Services;
}

export interface JoinedContext extends OpenContext {
  room: Room;
  participant: Participant;
}

export type Handler<M extends Method = Method> =
  | { method: M; joined: false; handle(ctx: OpenContext, params: Params<M>): Promise<Result<M>> }
  | {
      method: M;
      joined: true;
      permission?: Permission;
      handle(ctx: JoinedContext, params: Params<M>): Promise<Result<M>>;
    };

/** A handler for callers that have not joined (yet). */
export const openHandler = <M extends Method>(method: M, handle: (ctx: OpenContext, params: Params<M>) => Promise<Result<M>>): Handler<M> => ({
  method,
  joined: false,
  handle,
});

/** A handler for joined participants, optionally gated by a permission. */
export const joinedHandler = <M extends Method>(
  method: M,
  permission: Permission | undefined,
  handle: (ctx: JoinedContext, params: Params<M>) => Promise<Result<M>>,
): Handler<M> => ({ method, joined: true, permission, handle });
