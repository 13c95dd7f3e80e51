import fs from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite takes no lock on its data directory and two instances on one directory corrupt it, so the process takes
 * its own: a lock file holding its pid. A lock left by a process that has died is taken over.
 */
/** Lock files this process holds: a second open of the same folder in one process is refused too. */
const held = new Set<string>();

export function lockDataDir(dir: string): { release(): void } {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "pcloud.lock");
  if (held.has(file))
    throw new DataDirLockedError(
      `The data folder ${dir} is already open in this process. Close it before opening it again.`,
    );
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      held.add(file);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          held.delete(file);
          fs.rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `The data folder ${dir} is in use by another Partner Cloud process (pid ${pid}). ` +
            `Stop that process, or start this one with another DATA_DIR; to run several processes on one ` +
            `database, use PostgreSQL by setting DATABASE_URL.`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not take the lock on ${dir}; remove ${file} if no process uses it.`);
}
