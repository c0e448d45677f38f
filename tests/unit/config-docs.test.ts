// docs/CONFIG.md lists every configuration key and environment variable, and
// nothing that does not exist: kept in sync with the schema by this test.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema, envOverrides } from '../../server/config/config.js';

const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/CONFIG.md'), 'utf8');

function schemaKeys(): string[] {
  const keys: string[] = [];
  const walk = (s: { type?: string; properties?: Record<string, unknown> }, prefix: string) => {
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      const key = prefix ? `${prefix}.${k}` : k;
      const child = v as { type?: string; properties?: Record<string, unknown> };
      if (child.type === 'object' && child.properties) walk(child, key);
      else keys.push(key);
    }
  };
  walk(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as never, '');
  return keys;
}

describe('docs/CONFIG.md', () => {
  it('documents every configuration key', () => {
    const keys = schemaKeys();
    expect(keys.length).toBeGreaterThan(20);
    const missing = keys.filter((k) => !doc.includes(`| \`${k}\` |`));
    expect(missing).toEqual([]);
  });

  it('documents every environment variable with its key', () => {
    for (const [name, { path: p }] of Object.entries(envOverrides)) {
      expect(doc, name).toMatch(new RegExp(`\\| \`${p.join('\\.')}\` \\| \`${name}\``));
    }
  });

  it('documents no key that does not exist', () => {
    const keys = new Set(schemaKeys());
    const documented = [...doc.matchAll(/^\| `([a-zA-Z.]+)` \| (?:`AULA_|—)/gm)].map((m) => m[1]!);
    expect(documented.length).toBeGreaterThan(20);
    expect(documented.filter((k) => !keys.has(k))).toEqual([]);
  });
});
