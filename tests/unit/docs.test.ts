// README is the front door and stays short; the details live in docs/. Every
// relative link in README.md, docs/*.md and bench/README.md points at a file
// that exists, and a link with a #fragment at a heading (or an explicit
// anchor) in that file, so moving a section cannot strand a link.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const markdown = [
  'README.md',
  'bench/README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks and inline code spans. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const withoutCode = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  for (const [, id] of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(id!);
  return out;
}

function links(file: string): string[] {
  return [...prose(read(file)).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('README.md', () => {
  it('is at most 200 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(200);
  });

  it('links every file in docs/', () => {
    const linked = new Set(links('README.md').map((l) => l.split('#')[0]));
    const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md'));
    expect(docs.filter((f) => !linked.has(`docs/${f}`))).toEqual([]);
  });
});

describe('links in the documentation', () => {
  it.each(markdown)('%s: every relative link resolves to a file, and its #anchor to a heading', (file) => {
    const broken: string[] = [];
    for (const link of links(file)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: …: not ours to check
      const [target = '', fragment] = link.split('#');
      const resolved = target ? path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(target)) : path.join(root, file);
      if (!fs.existsSync(resolved)) {
        broken.push(`${link} (no such file)`);
        continue;
      }
      if (fragment && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(decodeURIComponent(fragment))) {
        broken.push(`${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('computes anchors the way GitHub does', () => {
    const a = anchors(
      '# Measured 2026-12-01: Node 24.22.3, mediasoup 3.27.1\n## Soak and fuzz\n## Soak and fuzz\n```\n# not a heading\n```\n### `npx aula` (CLI)',
    );
    expect([...a]).toEqual(['measured-2026-12-01-node-24223-mediasoup-3271', 'soak-and-fuzz', 'soak-and-fuzz-1', 'npx-aula-cli']);
  });
});
