// Structured logs (pino). The log policy is part of the privacy contract:
// no display names, no chat text, no IP addresses, no tokens. Log ids and
// counts only; docs/PRIVACY.md lists what a log line may hold.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * Someone joined, left, dropped or resumed. At info level only the room and
 * how many are in it: a line per participant id would be a presence
 * timeline (the ledger's data, in plaintext, kept as long as the logs).
 * The participant id appears at debug level only, for troubleshooting.
 */
export function logPresence(
  log: Logger,
  msg: string,
  room: { id: string; participants: { size: number } },
  peer: string,
  extra: Record<string, unknown> = {},
): void {
  log.info({ room: room.id, participants: room.participants.size, ...extra }, msg);
  log.debug({ room: room.id, peer }, msg);
}
