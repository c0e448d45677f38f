// What an attendee report contains, and how an operator opens it locally.
// Used by the server (to build it) and by `npx aula report decrypt`.
import { compactDecrypt, importJWK, type JWK } from 'jose';

export const NOTICE = {
  de: 'Die Weitergabe dieser Liste an Dritte bedarf einer eigenen Rechtsgrundlage.',
  en: 'Passing this list on to third parties requires its own legal basis.',
} as const;

export interface ReportEntry {
  displayName: string;
  role: string;
  joined: string;
  left: string | null;
  /** Names this session had before a rename, oldest first. */
  earlierNames?: string[];
}

export interface ReportPayload {
  notice: typeof NOTICE;
  meeting: { id: string; title: string; start: string; end: string };
  request: { id: string; reason: string; requestedBy: string; approvedBy?: string; requestedAt: string };
  entries: ReportEntry[];
}

export async function decryptReport(jwe: string, privateJwk: JWK): Promise<ReportPayload> {
  const key = await importJWK(privateJwk, 'ECDH-ES+A256KW');
  const { plaintext } = await compactDecrypt(jwe.trim(), key, {
    keyManagementAlgorithms: ['ECDH-ES+A256KW'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  return JSON.parse(new TextDecoder().decode(plaintext)) as ReportPayload;
}

// A display name is typed by a guest: one starting with = + - @ would run as
// a formula in a spreadsheet, so it is prefixed with an apostrophe.
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportToCsv(report: ReportPayload): string {
  const rows = [['display_name', 'role', 'joined', 'left'], ...report.entries.map((e) => [e.displayName, e.role, e.joined, e.left ?? ''])];
  return rows.map((r) => r.map(csvCell).join(',')).join('\n');
}
