// "Report a problem": the only technical data a browser ever sends to the
// operator, and only after the user has seen this exact JSON and pressed
// "Send report". Strict: there is no field for a name, an address or a link.
import { z } from 'zod';

const count = z.number().int().min(0).max(1_000_000_000);
// Operators read these in a terminal: no control or text-direction characters.
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !/[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u.test(s.replace(/\n/g, ' ')), 'no control characters');

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
  clientVersion: text(32).optional(),
  browser: z.strictObject({ name: text(40), version: text(40) }).optional(),
  os: text(40).optional(),
  connection: z
    .strictObject({
      send: text(20).optional(),
      recv: text(20).optional(),
      // Types and protocols only, never addresses.
      candidateTypes: z
        .array(z.enum(['host', 'srflx', 'prflx', 'relay']))
        .max(4)
        .optional(),
      protocols: z
        .array(z.enum(['udp', 'tcp']))
        .max(2)
        .optional(),
    })
    .optional(),
  // One row per direction and kind (totals over all streams).
  stats: z.array(streamSummary).max(4).optional(),
  devices: z.strictObject({ audioinput: count, videoinput: count, audiooutput: count }).optional(),
  description: text(2000).optional(),
});

export type ProblemReport = z.infer<typeof problemReportSchema>;
export type StreamSummary = z.infer<typeof streamSummary>;
