// Technical data for "Report a problem": connection state, ICE candidate
// types and protocols (never addresses), and media statistics totalled per
// direction and kind, measured over one second.
import type { types } from 'mediasoup-client';
import type { ProblemReport, StreamSummary } from '../../shared/problem-report.js';

export async function transportDiagnostics(
  sendTransport: types.Transport | undefined,
  recvTransport: types.Transport | undefined,
): Promise<{ connection: NonNullable<ProblemReport['connection']>; stats: StreamSummary[] }> {
  const candidateTypes = new Set<string>();
  const protocols = new Set<string>();
  const sample = async () => {
    const rows = new Map<string, { direction: 'in' | 'out'; kind: 'audio' | 'video'; bytes: number; t: number; s: Record<string, number> }>();
    for (const transport of [sendTransport, recvTransport]) {
      if (!transport) continue;
      const report = await transport.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      report.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
          for (const id of [s.localCandidateId, s.remoteCandidateId]) {
            const c = byId.get(id as string);
            if (c?.candidateType) candidateTypes.add(c.candidateType as string);
            if (c?.protocol) protocols.add(c.protocol as string);
          }
        }
        if (s.type !== 'inbound-rtp' && s.type !== 'outbound-rtp') return;
        const inbound = s.type === 'inbound-rtp';
        rows.set(s.id as string, {
          direction: inbound ? 'in' : 'out',
          kind: s.kind as 'audio' | 'video',
          bytes: Number(inbound ? s.bytesReceived : s.bytesSent) || 0,
          t: Number(s.timestamp),
          s: s as Record<string, number>,
        });
      });
    }
    return rows;
  };
  const first = await sample();
  await new Promise((r) => setTimeout(r, 1000));
  const second = await sample();
  // Totals per direction and kind: as useful, and the same size in a class of 5 or 50.
  const totals = new Map<string, StreamSummary>();
  for (const [id, b] of second) {
    const a = first.get(id);
    const seconds = a ? (b.t - a.t) / 1000 : 0;
    const key = `${b.direction}:${b.kind}`;
    const row = totals.get(key) ?? { direction: b.direction, kind: b.kind, bitrateKbps: 0, packetsLost: 0 };
    row.bitrateKbps += a && seconds > 0 ? Math.round(((b.bytes - a.bytes) * 8) / seconds / 1000) : 0;
    row.packetsLost += Math.max(0, Number(b.s.packetsLost) || 0);
    if (typeof b.s.jitter === 'number') row.jitterMs = Math.max(row.jitterMs ?? 0, Math.round(b.s.jitter * 1000));
    if (typeof b.s.framesDecoded === 'number') row.framesDecoded = (row.framesDecoded ?? 0) + b.s.framesDecoded;
    if (typeof b.s.framesPerSecond === 'number') row.framesPerSecond = Math.max(row.framesPerSecond ?? 0, b.s.framesPerSecond);
    totals.set(key, row);
  }
  const stats = [...totals.values()];
  const connection: NonNullable<ProblemReport['connection']> = {
    candidateTypes: [...candidateTypes].filter((c): c is 'host' => ['host', 'srflx', 'prflx', 'relay'].includes(c)),
    protocols: [...protocols].filter((p): p is 'udp' => p === 'udp' || p === 'tcp'),
  };
  if (sendTransport) connection.send = sendTransport.connectionState;
  if (recvTransport) connection.recv = recvTransport.connectionState;
  return { connection, stats };
}
