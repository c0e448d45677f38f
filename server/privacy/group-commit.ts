// One writer per file that commits appends in groups: while one batch is being
// written and fsynced, the events that arrive queue up, and the next batch
// takes them all, so a burst of joins costs a handful of fsyncs, not one each.
// Other work on the same file (create it, finish it) runs in order between
// batches. Each caller's promise settles once its own record is durable.
import fs from 'node:fs';

type Job<T> = { kind: 'task'; run: () => Promise<void>; settle: Settle } | { kind: 'append'; item: T; settle: Settle };
type Settle = (err?: unknown) => void;

/** A batch is also bounded, so one write stays small whatever the backlog. */
const MAX_BATCH = 1000;

export class GroupCommit<T> {
  private readonly jobs: Job<T>[] = [];
  private running?: Promise<void>;

  constructor(private readonly commit: (items: T[]) => Promise<void>) {}

  append(item: T): Promise<void> {
    return this.enqueue((settle) => ({ kind: 'append', item, settle }));
  }

  /** Run `run` after everything queued so far, before anything queued later. */
  task(run: () => Promise<void>): Promise<void> {
    return this.enqueue((settle) => ({ kind: 'task', run, settle }));
  }

  /** Settles when the queue is empty. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  private enqueue(job: (settle: Settle) => Job<T>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.jobs.push(job((err) => (err === undefined ? resolve() : reject(err instanceof Error ? err : new Error('the write failed', { cause: err })))));
      this.running ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    // Let the rest of this turn of the event loop join the first batch.
    await new Promise((r) => setImmediate(r));
    for (;;) {
      const job = this.jobs[0];
      if (!job) {
        this.running = undefined;
        return;
      }
      if (job.kind === 'task') {
        this.jobs.shift();
        await job.run().then(
          () => job.settle(),
          (err: unknown) => job.settle(err ?? new Error('failed')),
        );
        continue;
      }
      let n = 0;
      while (n < this.jobs.length && n < MAX_BATCH && this.jobs[n]!.kind === 'append') n++;
      const batch = this.jobs.splice(0, n) as Extract<Job<T>, { kind: 'append' }>[];
      await this.commit(batch.map((j) => j.item)).then(
        () => batch.forEach((j) => j.settle()),
        (err: unknown) => batch.forEach((j) => j.settle(err ?? new Error('failed'))),
      );
    }
  }
}

export async function fsyncDirAsync(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Write a file atomically (temp file, fsync, rename, directory fsync) with mode 0600, off the event loop. */
export async function writePrivateFileAsync(file: string, content: string, dir: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await fs.promises.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.chmod(tmp, 0o600);
  await fs.promises.rename(tmp, file);
  await fsyncDirAsync(dir);
}
