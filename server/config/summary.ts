// The effective configuration as operators see it at start-up and in
// `npx aula config check`: every value, secrets masked.
import type { Config } from './config.js';

const SECRET = /token|secret|masterKey|password|credential/i;

export function maskedConfig(config: Config): Record<string, unknown> {
  const mask = (value: unknown, key: string): unknown => {
    if (value === undefined) return undefined;
    if (SECRET.test(key)) return '***';
    // A password in a URL (cluster.redisUrl: redis://:password@host).
    if (typeof value === 'string') return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i, '$1:***@');
    if (Array.isArray(value)) return value.map((v) => mask(v, ''));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
    }
    return value;
  };
  return mask(config, '') as Record<string, unknown>;
}

const isScalar = (v: unknown): v is string | number | boolean | bigint | null => v === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof v);

/** One line per setting, `key = value`, for the start-up banner. */
export function configLines(config: Config): string[] {
  const lines: string[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else if (Array.isArray(value)) {
      lines.push(`${prefix} = ${value.length ? `[${value.length} entries]` : '[]'}`);
    } else if (isScalar(value)) {
      lines.push(`${prefix} = ${String(value)}`);
    }
  };
  walk(maskedConfig(config), '');
  return lines;
}
