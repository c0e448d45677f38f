// Structured logs (pino). The log policy is part of the privacy contract:
// no display names, no chat text, no IP addresses, no tokens. Log ids and
// counts only; docs/PRIVACY.md lists what a log line may hold.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
