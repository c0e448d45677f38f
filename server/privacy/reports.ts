// The attendee report: requested by a named operator with a reason, approved
// by a second operator (four eyes, unless configured off), then delivered as
// a JWE that only the requesting operator's private key opens. Every step is
// proven by a JWT the operator signs with their key, and written to the audit
// log; the request state is read back from that log.
import { randomUUID } from 'node:crypto';
import { CompactEncrypt, type CryptoKey, decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose';
import { HttpError } from '../errors.js';
import type { AssertionReplay } from './assertion-replay.js';
import type { AuditLog } from './audit-log.js';
import type { LedgerEvent, MeetingMeta } from './ledger.js';
import { type ReportEntry, type ReportPayload, NOTICE } from './report-format.js';

export interface OperatorConfig {
  name: string;
  publicKey: Record<string, unknown>;
}

export interface RequestState {
  id: string;
  meetingId: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  approvedBy?: string;
  approvedAt?: string;
  deliveries: number;
}

/** What reports read from the ledger; several nodes: a view that adds the other nodes' segments of a meeting. */
export interface LedgerView {
  meeting(id: string): MeetingMeta | undefined;
  isExpired(meta: MeetingMeta, now?: Date): boolean;
  read(meetingId: string): LedgerEvent[] | Promise<LedgerEvent[]>;
  /** The meeting's end over all its segments, once read() has gathered them. */
  endOf?(meetingId: string): string | undefined;
}

export type Operation = 'report.request' | 'report.approve' | 'report.fetch';
export const ASSERTION_AUDIENCE = 'aula-admin';

interface OperatorKeys {
  verify: CryptoKey;
  encrypt: CryptoKey;
}

/** Sessions in order of joining, with the name and role they last had. */
export function entriesFrom(events: LedgerEvent[], meetingEnd: string): ReportEntry[] {
  const earlier = new Map<ReportEntry, string[]>();
  const bySession = new Map<string, ReportEntry>();
  const entries: ReportEntry[] = [];
  for (const e of events) {
    if (e.type === 'join') {
      const entry: ReportEntry = { displayName: e.displayName ?? '', role: e.role ?? 'participant', joined: e.at, left: null };
      bySession.set(e.session, entry);
      entries.push(entry);
    }
    const entry = bySession.get(e.session);
    if (!entry) continue;
    if (e.type === 'change') {
      if (e.displayName && e.displayName !== entry.displayName) {
        // A rename keeps the earlier name: the report shows who someone was seen as.
        earlier.set(entry, [...(earlier.get(entry) ?? []), entry.displayName]);
        entry.displayName = e.displayName;
      }
      if (e.role) entry.role = e.role;
    }
    if (e.type === 'leave') entry.left = e.at;
  }
  // A session still open when the meeting ended (a server restart) left at its end.
  for (const entry of entries) {
    entry.left ??= meetingEnd;
    const names = earlier.get(entry);
    if (names) entry.earlierNames = names;
  }
  return entries;
}

const tampered = () =>
  new HttpError(409, 'meeting_tampered', "the meeting's ledger files were altered on disk (they fail their authentication); no report can be made from them");

export class Reports {
  private readonly operators = new Map<string, OperatorKeys>();

  private constructor(
    private readonly ledger: LedgerView,
    private readonly audit: AuditLog,
    private readonly fourEyes: boolean,
    private readonly replay: AssertionReplay,
  ) {}

  /** Imports every operator's key now, so a bad one stops start-up with its name. */
  static async create(ledger: LedgerView, audit: AuditLog, operators: OperatorConfig[], fourEyes: boolean, replay: AssertionReplay): Promise<Reports> {
    const reports = new Reports(ledger, audit, fourEyes, replay);
    for (const op of operators) {
      const jwk = op.publicKey as JWK;
      try {
        const [verify, encrypt] = await Promise.all([importJWK(jwk, 'ES256'), importJWK(jwk, 'ECDH-ES+A256KW')]);
        reports.operators.set(op.name, { verify: verify as CryptoKey, encrypt: encrypt as CryptoKey });
      } catch (err) {
        throw new Error(`operators: the public key of "${op.name}" cannot be used: ${(err as Error).message}`, { cause: err });
      }
    }
    return reports;
  }

  /** Check an operator's signed assertion for `op`; returns the operator's name and claims. */
  async verify(assertion: string, op: Operation): Promise<{ operator: string; claims: Record<string, unknown> }> {
    const bad = (why: string) => new HttpError(401, 'bad_assertion', why);
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(assertion).kid;
    } catch {
      throw bad('the operator assertion is not a JWT');
    }
    const keys = kid ? this.operators.get(kid) : undefined;
    if (!kid || !keys) throw bad('unknown operator (is the public key in the configuration?)');
    let claims: Record<string, unknown>;
    try {
      const { payload } = await jwtVerify(assertion, keys.verify, {
        algorithms: ['ES256'],
        issuer: kid,
        audience: ASSERTION_AUDIENCE,
        maxTokenAge: '5m',
        requiredClaims: ['exp', 'iat', 'jti', 'op'],
      });
      claims = payload;
    } catch {
      throw bad("the operator assertion does not verify with that operator's key");
    }
    if (claims.op !== op) throw bad(`the assertion is for ${String(claims.op)}, not ${op}`);
    if (Number(claims.exp) - Number(claims.iat) > 300) throw bad('the assertion must expire within 5 minutes of being made');
    this.rememberAssertion(String(claims.jti), Number(claims.exp) * 1000);
    return { operator: kid, claims };
  }

  request(operator: string, meetingId: string, reason: string): RequestState {
    const reasonText = reason.trim();
    if (reasonText.length < 5 || reasonText.length > 1000) {
      throw new HttpError(400, 'invalid_params', 'state the reason and legal basis (5 to 1000 characters)');
    }
    this.liveMeeting(meetingId);
    const requestId = randomUUID();
    this.audit.append({ type: 'report.requested', operator, meetingId, requestId, reason: reasonText });
    if (!this.fourEyes) this.audit.append({ type: 'report.approved', operator, meetingId, requestId });
    return this.state(requestId)!;
  }

  approve(operator: string, requestId: string): RequestState {
    const req = this.existing(requestId);
    if (req.approvedBy) throw new HttpError(409, 'already_approved', `already approved by ${req.approvedBy}`);
    if (req.requestedBy === operator) throw new HttpError(403, 'self_approval', 'a second operator must approve; you made this request');
    this.liveMeeting(req.meetingId);
    this.audit.append({ type: 'report.approved', operator, meetingId: req.meetingId, requestId });
    return this.state(requestId)!;
  }

  /** The report as a compact JWE to the requesting operator's key. */
  async deliver(operator: string, requestId: string): Promise<string> {
    const req = this.existing(requestId);
    if (req.requestedBy !== operator) throw new HttpError(403, 'not_requester', 'only the operator who requested the report can fetch it');
    if (!req.approvedBy) throw new HttpError(409, 'not_approved', 'the request has not been approved by a second operator yet');
    const meeting = this.liveMeeting(req.meetingId);
    const events = await this.readIntact(meeting.id);
    const end = this.ledger.endOf?.(meeting.id) ?? meeting.endedAt ?? new Date().toISOString();
    const payload: ReportPayload = {
      notice: NOTICE,
      meeting: { id: meeting.id, title: meeting.title, start: meeting.startedAt, end },
      request: { id: req.id, reason: req.reason, requestedBy: req.requestedBy, approvedBy: req.approvedBy, requestedAt: req.requestedAt },
      entries: entriesFrom(events, end),
    };
    const keys = this.operators.get(operator)!;
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: operator, cty: 'application/json' })
      .encrypt(keys.encrypt);
    this.audit.append({ type: 'report.delivered', operator, meetingId: meeting.id, requestId });
    return jwe;
  }

  auditHead(): { seq: number; hash: string } {
    return this.audit.head();
  }

  list(): RequestState[] {
    const states = new Map<string, RequestState>();
    for (const e of this.audit.all()) {
      if (!e.requestId) continue;
      if (e.type === 'report.requested') {
        states.set(e.requestId, {
          id: e.requestId,
          meetingId: e.meetingId!,
          reason: e.reason ?? '',
          requestedBy: e.operator!,
          requestedAt: e.at,
          deliveries: 0,
        });
      }
      const s = states.get(e.requestId);
      if (!s) continue;
      if (e.type === 'report.approved') {
        s.approvedBy = e.operator;
        s.approvedAt = e.at;
      }
      if (e.type === 'report.delivered') s.deliveries++;
    }
    return [...states.values()];
  }

  state(requestId: string): RequestState | undefined {
    return this.list().find((s) => s.id === requestId);
  }

  private existing(requestId: string): RequestState {
    const s = this.state(requestId);
    if (!s) throw new HttpError(404, 'not_found', 'no such report request');
    return s;
  }

  /** The meeting, or why there is none: never held, or deleted after its retention. */
  private liveMeeting(meetingId: string): MeetingMeta {
    const expired = new HttpError(410, 'meeting_expired', 'the meeting passed its retention period and its attendance data was deleted');
    const meta = this.ledger.meeting(meetingId);
    if (meta?.tampered) throw tampered();
    // Past retention counts as gone even before the next purge has run.
    if (meta && this.ledger.isExpired(meta)) throw expired;
    if (meta) return meta;
    const purged = this.audit.all().some((e) => e.type === 'meeting.purged' && e.meetingId === meetingId);
    if (purged) throw expired;
    throw new HttpError(404, 'unknown_meeting', 'no such meeting');
  }

  private async readIntact(meetingId: string): Promise<LedgerEvent[]> {
    try {
      return await this.ledger.read(meetingId);
    } catch (err) {
      // Several nodes: another node's segment could not be fetched (it is down); not tampering.
      const e = err as { code?: string; status?: number; message: string };
      if (e.code === 'segment_unavailable') throw new HttpError(e.status ?? 503, e.code, e.message);
      throw tampered();
    }
  }

  private rememberAssertion(jti: string, expiresAt: number): void {
    if (jti.length > 256) throw new HttpError(401, 'bad_assertion', 'the assertion id (jti) is too long');
    if (!this.replay.use(jti, expiresAt)) throw new HttpError(401, 'bad_assertion', 'this assertion was used already');
  }
}
