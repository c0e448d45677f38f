// A meeting that ran on several nodes has one ledger segment on each (its own
// directory there: meta, sealed key, sealed events). The node that builds a
// report fetches the other segments sealed, over the internal listener, and
// opens them with the master key all nodes share; Redis only knows which nodes
// hold a segment (`aula:m:{id}`), never what is in one.
import fs from 'node:fs';
import path from 'node:path';
import type { Ledger, LedgerEvent, MeetingMeta } from '../privacy/ledger.js';
import { open } from '../privacy/sealed.js';
import type { LedgerView } from '../privacy/reports.js';
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

export interface SegmentSource {
  nodeId: string;
  /** Nodes holding a segment of the meeting (from the meeting index in Redis). */
  segmentHolders(meetingId: string): Promise<string[]>;
  /** A request to another node's internal listener. */
  ask(node: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response>;
}

const offline = (why: string) => Object.assign(new Error(why), { code: 'segment_unavailable', status: 503 });

/**
 * The ledger as reports see it in cluster mode: this node's segment of a
 * meeting plus those of every other node it ran on, merged in time. A
 * participant still inside when a node died left when the next segment began.
 */
export class ClusterLedger implements LedgerView {
  private readonly ends = new Map<string, string>();

  constructor(
    private readonly ledger: Ledger,
    private readonly masterKey: Buffer,
    private readonly source: SegmentSource,
  ) {}

  meeting(id: string): MeetingMeta | undefined {
    return this.ledger.meeting(id);
  }

  isExpired(meta: MeetingMeta, now?: Date): boolean {
    return this.ledger.isExpired(meta, now);
  }

  endOf(id: string): string | undefined {
    return this.ends.get(id);
  }

  async read(meetingId: string): Promise<LedgerEvent[]> {
    const own = this.ledger.meeting(meetingId);
    const segments: Array<{ meta: MeetingMeta; events: LedgerEvent[] }> = own ? [{ meta: own, events: this.ledger.read(meetingId) }] : [];
    let holders: string[];
    try {
      holders = await this.source.segmentHolders(meetingId);
    } catch (err) {
      throw offline(`the meeting index cannot be read (${(err as Error).message}); try again in a moment`);
    }
    for (const node of holders.filter((n) => n !== this.source.nodeId)) {
      const res = await this.source.ask(node, 'GET', `/internal/ledger/${meetingId}`).catch(() => undefined);
      if (!res?.ok)
        throw offline(`node ${node}, which holds part of this meeting, is not reachable; the report would be incomplete, try again when it is back`);
      const sealed = (await res.json()) as SealedSegment;
      segments.push({ meta: sealed.meta, events: openSegment(this.masterKey, sealed) });
    }
    segments.sort((a, b) => a.meta.startedAt.localeCompare(b.meta.startedAt));
    const merged: LedgerEvent[] = [];
    segments.forEach(({ meta, events }, i) => {
      merged.push(...events);
      const next = segments[i + 1];
      if (!next) return;
      // Still inside when this segment ended (its node died): left when the meeting continued elsewhere.
      const open = new Set<string>();
      for (const e of events) {
        if (e.type === 'join') open.add(e.session);
        if (e.type === 'leave') open.delete(e.session);
      }
      const at = meta.endedAt && meta.endedAt < next.meta.startedAt ? meta.endedAt : next.meta.startedAt;
      for (const session of open) merged.push({ type: 'leave', session, at });
    });
    merged.sort((a, b) => a.at.localeCompare(b.at));
    const last = segments.at(-1);
    // Still running in its latest segment: the report is as of now.
    this.ends.set(meetingId, last?.meta.endedAt ?? new Date().toISOString());
    return merged;
  }
}
