// The operator's admin API under /api/admin, used by `npx aula`. Every request
// needs `Authorization: Bearer <admin token>` (compared in constant time).
import express from 'express';
import { z } from 'zod';
import { describe } from '../../shared/protocol.js';
import { bearerMatches } from '../access/admin-token.js';
import { HttpError } from '../errors.js';
import type { RoomLinks } from '../access/links.js';
import { TooManyRooms } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import { roomSettingsSchema } from '../rooms/settings.js';

/** The rooms as the admin API sees them: this node's registry, or (several nodes) the cluster's definitions. */
export interface AdminRooms {
  create(input: z.input<typeof roomSettingsSchema>): Promise<Room>;
  get(id: string): Room | undefined;
  list(): Room[];
  close(id: string): boolean | Promise<boolean>;
  rotateLinks(id: string): Room | undefined | Promise<Room | undefined>;
  updateSettings(room: Room, settings: z.input<typeof roomSettingsSchema>): void | Promise<void>;
}

type Live = { participants: number; waiting: number; locked: boolean; node?: string };

export interface AdminDeps {
  rooms: AdminRooms;
  /** Several nodes: counts from each room's home node (this node's registry only knows its own). */
  live?(ids: string[]): Promise<Map<string, Live>>;
  /** Further admin routes (meetings and reports, problems, privacy record). */
  routers: express.Router[];
  adminToken: string;
  /** The configured organisation issuers (a room may name only these). */
  issuers?: readonly string[];
  links(room: Room, validityDays?: number): Promise<RoomLinks>;
}

const validityDays = z.number().int().min(1).max(3650).optional();
const createBody = roomSettingsSchema.extend({ validityDays }).strict();
const linksBody = z.object({ rotate: z.boolean().default(true), validityDays }).strict();

export function roomView(room: Room, live?: Live) {
  return {
    id: room.id,
    title: room.title,
    settings: room.settings,
    participants: live?.participants ?? room.participants.size,
    waiting: live?.waiting ?? room.lobby.list().length,
    locked: live?.locked ?? room.locked,
    ...(live?.node ? { node: live.node } : {}),
    createdAt: new Date(room.createdAt).toISOString(),
  };
}

const noRoom = () => new HttpError(404, 'not_found', 'no such room');
const ISSUERS_ONLY = 'issuers: every entry must be a configured issuer (issuers[].issuer)';
const unconfigured = (deps: AdminDeps, issuers?: string[]) => issuers?.some((i) => !(deps.issuers ?? []).includes(i)) ?? false;

export function adminRouter(deps: AdminDeps): express.Router {
  const router = express.Router();
  router.use((req, _res, next) => {
    if (!bearerMatches(req.get('authorization'), deps.adminToken)) throw new HttpError(401, 'unauthorized', 'missing or wrong admin token');
    next();
  });
  router.use(express.json({ limit: '16kb' }));
  for (const r of deps.routers) router.use(r);

  const views = async (rooms: Room[]) => {
    const live = deps.live ? await deps.live(rooms.map((r) => r.id)).catch(() => undefined) : undefined;
    return rooms.map((r) => roomView(r, live?.get(r.id)));
  };

  router.get('/rooms', async (_req, res) => {
    res.json({ rooms: await views(deps.rooms.list()) });
  });

  router.post('/rooms', async (req, res) => {
    const body = createBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'invalid_params', describe(body.error));
    const { validityDays: days, ...settings } = body.data;
    if (unconfigured(deps, settings.issuers)) throw new HttpError(400, 'invalid_params', ISSUERS_ONLY);
    let room: Room;
    try {
      room = await deps.rooms.create(settings);
    } catch (err) {
      if (err instanceof TooManyRooms) throw new HttpError(409, 'too_many_rooms', err.message);
      throw err;
    }
    res.status(201).json({ room: roomView(room), links: await deps.links(room, days) });
  });

  router.get('/rooms/:id', async (req, res) => {
    const room = deps.rooms.get(req.params.id);
    if (!room) throw noRoom();
    res.json({ room: (await views([room]))[0] });
  });

  // Only the fields sent change; the result is validated as a whole.
  router.patch('/rooms/:id', async (req, res) => {
    const room = deps.rooms.get(req.params.id);
    if (!room) throw noRoom();
    const change: unknown = req.body ?? {};
    if (typeof change !== 'object' || change === null || Array.isArray(change)) {
      throw new HttpError(400, 'invalid_params', 'the body is an object of the settings to change');
    }
    const body = roomSettingsSchema.safeParse({ ...room.settings, ...change });
    if (!body.success) throw new HttpError(400, 'invalid_params', describe(body.error));
    if ('issuers' in change && unconfigured(deps, body.data.issuers)) throw new HttpError(400, 'invalid_params', ISSUERS_ONLY);
    await deps.rooms.updateSettings(room, body.data);
    res.json({ room: roomView(room) });
  });

  router.delete('/rooms/:id', async (req, res) => {
    if (!(await deps.rooms.close(req.params.id))) throw noRoom();
    res.status(204).end();
  });

  router.post('/rooms/:id/links', async (req, res) => {
    const body = linksBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'invalid_params', describe(body.error));
    const room = body.data.rotate ? await deps.rooms.rotateLinks(req.params.id) : deps.rooms.get(req.params.id);
    if (!room) throw noRoom();
    res.json({ room: roomView(room), links: await deps.links(room, body.data.validityDays) });
  });

  return router;
}
