// A meeting that ran on several nodes has one ledger segment on each (its own
// directory there: meta, sealed key, sealed events). The node that builds a
// report fetches the other segments sealed, over the internal listener, and
// opens them with the master key all nodes share; Redis only knows which nodes
// hold a segment (`aula:m:{id}`), never what is in one.
import fs from 'node:fs';
import path from 'node:path';
import type { Ledger, LedgerEvent, MeetingMeta } from '../privacy/ledger.js';
import { open } from '../privacy/sealed.js';
import type { RecordingManager } from '../recording/manager.js';
import type { InternalRoutes } from './internal-api.js';

export interface SealedSegment {
  meta: MeetingMeta;
  /** key.json's `sealed` value: the segment's data key under the master key. */
  key: string;
  /** events.log, one sealed event per line. */
  events: string[];
}

export function readSegment(ledger: Ledger, meetingId: string): SealedSegment | undefined {
  const meta = ledger.meeting(meetingId);
  if (!meta) return undefined;
  const dir = path.join(ledger.dir, meetingId);
  const key = (JSON.parse(fs.readFileSync(path.join(dir, 'key.json'), 'utf8')) as { sealed: string }).sealed;
  let events: string[] = [];
  try {
    events = fs.readFileSync(path.join(dir, 'events.log'), 'utf8').split('\n');
    // Only complete lines: the last one may be half-written by a crash.
    events = events.slice(0, -1);
  } catch {
    // no event yet
  }
  return { meta, key, events };
}

/** Open a sealed segment with the master key (as the ledger itself does). */
export function openSegment(masterKey: Buffer, s: SealedSegment): LedgerEvent[] {
  const id = s.meta.id;
  const key = open(masterKey, s.key, `key:${id}`);
  return s.events.map((line, i) => JSON.parse(open(key, line, `event:${id}:${i + 1}`).toString('utf8')) as LedgerEvent);
}

export function clusterInternalRoutes(deps: { ledger?: Ledger; recordings: RecordingManager }): InternalRoutes {
  return [
    {
      method: 'GET',
      path: /^\/internal\/ledger\/([0-9a-f-]{36})$/,
      handle: async (m) => {
        const segment = deps.ledger && readSegment(deps.ledger, m[1]!);
        if (!segment) throw Object.assign(new Error('no segment of that meeting here'), { status: 404, code: 'not_found' });
        return segment;
      },
    },
  ];
}
