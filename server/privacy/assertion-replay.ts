// Operator assertions are single-use: each one's `jti` is remembered until the
// assertion expires, in <data.dir>/assertions.jti (one `{jti, exp}` line per
// use, fsynced before the operation runs), so a captured assertion cannot be
// replayed after a restart either. Expired lines are dropped when the file is
// loaded and whenever it has grown to twice what is still live.
import path from 'node:path';
import { appendDurably, readCompleteLines, writePrivateFile } from '../access/data-dir.js';

export class AssertionReplay {
  readonly file: string;
  private readonly seen = new Map<string, number>(); // jti → expiry (ms)
  private lines = 0;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'assertions.jti');
    const now = Date.now();
    for (const line of readCompleteLines(this.file)) {
      try {
        const { jti, exp } = JSON.parse(line) as { jti: unknown; exp: unknown };
        if (typeof jti === 'string' && typeof exp === 'number' && exp >= now) this.seen.set(jti, exp);
      } catch {
        // A damaged line cannot be replayed against either: it names no usable jti.
      }
    }
    this.compact();
  }

  /** Record `jti` as used until `expiresAt`; false if it was used already. */
  use(jti: string, expiresAt: number): boolean {
    const now = Date.now();
    for (const [k, exp] of this.seen) if (exp < now) this.seen.delete(k);
    if (this.seen.has(jti)) return false;
    // On disk before the operation it authorises runs (fail closed).
    appendDurably(this.file, `${JSON.stringify({ jti, exp: expiresAt })}\n`);
    this.seen.set(jti, expiresAt);
    if (++this.lines > 2 * this.seen.size + 100) this.compact();
    return true;
  }

  private compact(): void {
    writePrivateFile(this.file, [...this.seen].map(([jti, exp]) => `${JSON.stringify({ jti, exp })}\n`).join(''));
    this.lines = this.seen.size;
  }
}
