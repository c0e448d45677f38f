// "Report a problem": the only technical data a browser ever sends to the
// operator, and only after the user has seen this exact JSON and pressed
// "Send report". Strict: there is no field for a name, an address or a link.
import { z } from 'zod';

const count = z.number().int().min(0).max(1_000_000_000);

export const streamSummary = z.strictObject({
  direction: z.enum(['in', 'out']),
  kind: z.enum(['audio', 'video']),
  bitrateKbps: z.number().min(0).max(1_000_000),
  packetsLost: count,
  jitterMs: z.number().min(0).max(100_000).optional(),
  framesDecoded: count.optional(),
  framesPerSecond: z.number().min(0).max(1000).optional(),
});

export const problemReportSchema = z.strictObject({
  page: z.enum(['join', 'room']).optional(),
  clientVersion: z.string().max(32).optional(),
  browser: z.strictObject({ name: z.string().max(40), version: z.string().max(40) }).optional(),
  os: z.string().max(40).optional(),
  connection: z
    .strictObject({
      send: z.string().max(20).optional(),
      recv: z.string().max(20).optional(),
      // Types and protocols only, never addresses.
      candidateTypes: z.array(z.enum(['host', 'srflx', 'prflx', 'relay'])).max(4).optional(),
      protocols: z.array(z.enum(['udp', 'tcp'])).max(2).optional(),
    })
    .optional(),
  stats: z.array(streamSummary).max(64).optional(),
  devices: z.strictObject({ audioinput: count, videoinput: count, audiooutput: count }).optional(),
  description: z.string().max(2000).optional(),
});

export type ProblemReport = z.infer<typeof problemReportSchema>;
export type StreamSummary = z.infer<typeof streamSummary>;
