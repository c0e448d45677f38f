// The data directory holds secrets (signing key, admin token) and the room
// list; it is private to the aula user.
import fs from 'node:fs';
import path from 'node:path';

export function ensureDataDir(dir: string): string {
  const abs = path.resolve(dir);
  fs.mkdirSync(abs, { recursive: true, mode: 0o700 });
  fs.chmodSync(abs, 0o700);
  return abs;
}

/** Can aula write here right now (disk not full, not read-only)? */
export function dataDirWritable(dir: string): boolean {
  const probe = path.join(dir, `.ready-${process.pid}`);
  try {
    fs.writeFileSync(probe, 'ok');
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** Make a directory entry (create, rename) durable: fsync the directory itself. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Write all of `data` at the end of `file` and fsync it; a new file's directory entry too. */
export function appendDurably(file: string, data: string): void {
  const created = !fs.existsSync(file);
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    const buf = Buffer.from(data);
    for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (created) fsyncDir(path.dirname(file));
}

/**
 * Lines of an append-only file, dropping an unfinished last line (a write torn
 * by a crash) and cutting it off the file so the next append starts clean.
 */
export function readCompleteLines(file: string): string[] {
  const text = readIfExists(file);
  if (!text) return [];
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) fs.truncateSync(file, Buffer.byteLength(text.slice(0, end)));
  return text.slice(0, end).split('\n').filter(Boolean);
}

/**
 * One server per data directory: a second one would end the first one's
 * meetings and fork the audit chain. A lock left by a dead process is taken over.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'aula.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readIfExists(file));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(`data directory ${dir} is in use by another aula process (pid ${pid})`, { cause: err });
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`cannot lock data directory ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Write a file atomically (temp file, fsync, rename) with mode 0600. */
export function writePrivateFile(file: string, content: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
