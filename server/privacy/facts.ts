// What aula processes, derived from the running configuration. The privacy
// notice (/privacy) and the record of processing activities
// (`npx aula privacy record`) are both rendered from this one description,
// so they cannot drift apart or from the configuration.
import type { Config } from '../config/config.js';

export interface Activity {
  id: string;
  name: string;
  purpose: string;
  subjects: string;
  data: string[];
  legalBasis: string;
  retention: string;
  recipients: string;
  /** Whether the configuration has this activity switched on. */
  enabled: boolean;
}

export interface ProcessingFacts {
  controller: { name?: string; contact?: string };
  activities: Activity[];
  thirdCountryTransfers: string;
  measures: string[];
  logPolicy: string;
  retentionDays: { ledger: number; problems: number; linkValidity: number };
}

export function processingFacts(config: Config): ProcessingFacts {
  const ledgerDays = config.ledger.retentionDays;
  const problemDays = config.problems.retentionDays;
  return {
    controller: config.privacy.controller,
    retentionDays: { ledger: ledgerDays, problems: problemDays, linkValidity: config.links.validityDays },
    activities: [
      {
        id: 'meeting',
        name: 'Conducting online meetings and classes',
        purpose: 'Let participants see, hear and address each other in a meeting room.',
        subjects: 'Participants (guests with a link, moderators, presenters).',
        data: [
          'self-chosen display name (a pseudonym is fine)',
          'role in the room',
          'audio and video, forwarded live and not stored',
          'IP address, used only to deliver the connection, not logged',
        ],
        legalBasis: 'Art. 6(1)(e) GDPR (public task, e.g. teaching) or Art. 6(1)(b) — to be stated by the controller.',
        retention: 'Memory only, until the participant leaves the room.',
        recipients: 'The other participants of the same room.',
        enabled: true,
      },
      {
        id: 'attendance',
        name: 'Attendance ledger and attendee reports',
        purpose: 'Document who attended a meeting, released only on a recorded, approved request.',
        subjects: 'Participants admitted to a room.',
        data: ['display name', 'role', 'join and leave times', 'meeting title and time'],
        legalBasis: 'Art. 6(1)(c) or (e) GDPR where attendance must be documented — to be stated by the controller.',
        retention: `${ledgerDays} days after the meeting ends, then deleted (key and data).`,
        recipients: `Nobody in plaintext. An operator only as an encrypted report, after a stated reason${config.reports.fourEyes ? ' and a second operator\u2019s approval' : ''}.`,
        enabled: config.ledger.enabled,
      },
      {
        id: 'problems',
        name: 'Problem reports',
        purpose: 'Find and fix technical problems the user reports.',
        subjects: 'Participants who choose to send a report.',
        data: [
          'browser and operating system family, aula version',
          'connection state and candidate types (no addresses), media statistics, device counts',
          'the description the user writes',
        ],
        legalBasis: 'Art. 6(1)(a) GDPR (consent: the user sees the exact report and presses "Send report").',
        retention: `${problemDays} days, then deleted.`,
        recipients: 'Operators of this server.',
        enabled: true,
      },
      {
        id: 'recordings',
        name: 'Recordings of meetings',
        purpose: 'Keep a lesson for those who could not attend or want to review it, when a moderator records it.',
        subjects: 'Participants of a room whose settings allow recording, while a moderator records.',
        data: [
          'audio, camera and screen video, composed into one file; tiles labelled "Participant N", never with names; nothing of those who chose "Leave me out of the recording"',
          'chat messages sent during the recording, senders and names inside the text replaced by "Participant N"',
          'start and stop time, length, room id',
        ],
        legalBasis:
          'Art. 6(1)(e) or (a) GDPR — to be stated by the controller; everyone is told with a countdown before capture starts, sees while it runs, and may leave themselves out. Stored encrypted (a key per recording); downloads and deletions are audited.',
        retention: `${config.recording.retentionDays} days after the recording started, then deleted.`,
        recipients: 'Operators of this server, and whom they give the file.',
        enabled: true,
      },
      {
        id: 'operations',
        name: 'Operating the service',
        purpose: 'Run rooms, links and the accountability of operators.',
        subjects: 'Operators.',
        data: ['room titles and settings', 'operator names and public keys', 'audit log of report requests, approvals, deliveries and purges'],
        legalBasis: 'Art. 6(1)(c) and (f) GDPR (accountability, Art. 5(2)).',
        retention: `Rooms until closed; audit entries ${config.audit.retentionDays ? `${config.audit.retentionDays} days` : 'kept for accountability (no limit configured)'}.`,
        recipients: 'Operators and the data-protection officer.',
        enabled: true,
      },
    ],
    thirdCountryTransfers:
      'None by aula. aula makes no requests to third parties (no CDN, fonts, STUN or telemetry).' +
      (config.turn.urls.length
        ? ' A TURN server is configured; it relays media of participants whose direct path is blocked and sees their IP addresses — name its operator here if it is not the controller.'
        : ''),
    measures: [
      'Data minimisation: no accounts, no e-mail or contact fields; the protocol refuses unknown fields.',
      ...(config.ledger.enabled
        ? [
            'Attendance ledger encrypted at rest (AES-256-GCM, a key per meeting wrapped by a master key), deleted after its retention.',
            'Attendee reports only as JWE (ECDH-ES+A256KW, A256GCM) to the requesting operator\u2019s key, after a recorded request' +
              (config.reports.fourEyes ? ' and four-eyes approval.' : '.'),
            'Append-only audit log chained with HMAC-SHA-256 (key derived from the ledger master key).',
          ]
        : ['Attendance is not recorded (ledger switched off); append-only audit log chained with SHA-256.']),
      'Room links signed (Ed25519), expiring, revocable; the link token stays out of server logs and Referer headers.',
      'Strict Content-Security-Policy; no third-party requests from browser or server (except the JWKS of configured organisation issuers).',
      'Private data directory (0700, files 0600); admin API behind a bearer token compared in constant time.',
      'Transport encryption: WebRTC media with DTLS-SRTP; HTTPS through the operator\u2019s TLS proxy.',
    ],
    logPolicy:
      'Structured logs (JSON) hold ids, counts, method names and error codes; never display names, chat text, IP addresses or tokens, also not at debug level.',
  };
}
