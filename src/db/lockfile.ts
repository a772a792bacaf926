import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// PGlite has no cross-process lock on its directory (electric-sql/pglite#1106); two processes on one
// directory corrupt it ("PANIC: could not locate a valid checkpoint record", #327). We hold a pid file.

export class DataDirLockedError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'ils.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(
          `Data directory ${dataDir} is in use by process ${holder}. Stop that process, or point DATA_DIR elsewhere ` +
            '(the embedded database allows one process per directory).',
        );
      }
      rmSync(path, { force: true }); // stale lock from a crashed process
    }
  }
  throw new DataDirLockedError(`Could not lock data directory ${dataDir}`);
}
