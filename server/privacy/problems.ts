// Problem reports as users sent them: <data.dir>/problems/<id>.json (0600).
// Stored without IP address, display name or link token (the schema has no
// place for them), deleted after problems.retentionDays.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ProblemReport } from '../../shared/problem-report.js';
import { readIfExists, writePrivateFile } from '../access/data-dir.js';

export interface StoredProblem {
  id: string;
  receivedAt: string;
  report: ProblemReport;
}

const DAY = 86_400_000;

export class ProblemStore {
  readonly dir: string;

  constructor(
    dataDir: string,
    readonly retentionDays: number,
    private readonly maxStored = 1000,
  ) {
    this.dir = path.join(dataDir, 'problems');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Store a report; undefined when the store is full (a flood must not fill the disk). */
  add(report: ProblemReport, now = new Date()): StoredProblem | undefined {
    if (this.ids().length >= this.maxStored) return undefined;
    // To the hour: a precise time could be matched against the attendance ledger.
    const hour = new Date(now);
    hour.setUTCMinutes(0, 0, 0);
    const stored: StoredProblem = { id: randomUUID(), receivedAt: hour.toISOString(), report };
    writePrivateFile(path.join(this.dir, `${stored.id}.json`), JSON.stringify(stored, null, 2));
    return stored;
  }

  /** By full id, or by the 8-character reference the user was shown. */
  get(idOrPrefix: string): StoredProblem | undefined {
    if (!/^[0-9a-f-]{8,36}$/.test(idOrPrefix)) return undefined;
    const matches = this.ids().filter((id) => id.startsWith(idOrPrefix));
    if (matches.length !== 1) return undefined;
    const text = readIfExists(path.join(this.dir, `${matches[0]}.json`));
    try {
      return text ? (JSON.parse(text) as StoredProblem) : undefined;
    } catch {
      return undefined; // a damaged file must not stop the others from being listed or purged
    }
  }

  /** Delete on request (the user's right to erasure). */
  delete(idOrPrefix: string): boolean {
    const p = this.get(idOrPrefix);
    if (!p) return false;
    fs.rmSync(path.join(this.dir, `${p.id}.json`), { force: true });
    return true;
  }

  list(): StoredProblem[] {
    return this.ids()
      .map((id) => this.get(id))
      .filter((p): p is StoredProblem => Boolean(p))
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  purge(now = new Date()): number {
    let n = 0;
    for (const p of this.list()) {
      if (Date.parse(p.receivedAt) + this.retentionDays * DAY > now.getTime()) continue;
      fs.rmSync(path.join(this.dir, `${p.id}.json`), { force: true });
      n++;
    }
    return n;
  }

  private ids(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5));
  }
}
