import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { after, describe, test } from "node:test";
import { DataDirLockedError, lockDataDir } from "./data-dir-lock.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pc-lock-"));
const dirs = (name: string) => path.join(scratch, name);
const lockFile = (dir: string) => path.join(dir, "pcloud.lock");

/** Another process that takes the lock on dir and holds it until its stdin closes. */
async function holderProcess(dir: string) {
  const code =
    `import { lockDataDir } from ${JSON.stringify(path.join(here, "data-dir-lock.ts"))};` +
    `const lock = lockDataDir(${JSON.stringify(dir)}); process.stdout.write("locked\\n");` +
    `process.stdin.resume(); process.stdin.on("end", () => { lock.release(); process.exit(0); });`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8");
  while (!out.includes("locked")) {
    const [chunk] = (await Promise.race([
      once(child.stdout, "data"),
      once(child, "exit").then(() => [""]),
    ])) as [string];
    if (chunk === "" && child.exitCode !== null) throw new Error("the lock holder exited early");
    out += chunk;
  }
  return {
    pid: child.pid ?? 0,
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

void describe("data folder lock", () => {
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  void test("taking the lock creates the folder and a lock file holding this process's pid", () => {
    const dir = dirs("fresh/nested");
    const lock = lockDataDir(dir);
    assert.equal(fs.readFileSync(lockFile(dir), "utf8").trim(), String(process.pid));
    lock.release();
  });

  void test("while another process holds the lock, taking it throws DataDirLockedError naming the folder and the holder", async () => {
    const dir = dirs("held");
    const holder = await holderProcess(dir);
    try {
      assert.throws(
        () => lockDataDir(dir),
        (e: unknown) => {
          assert.ok(e instanceof DataDirLockedError);
          assert.equal(e.name, "DataDirLockedError");
          assert.ok(e.message.includes(dir), e.message);
          assert.ok(e.message.includes(`pid ${holder.pid}`), e.message);
          assert.match(e.message, /DATA_DIR/);
          assert.match(e.message, /DATABASE_URL/);
          return true;
        },
      );
      assert.equal(
        fs.readFileSync(lockFile(dir), "utf8").trim(),
        String(holder.pid),
        "the holder's lock file is left alone",
      );
    } finally {
      await holder.stop();
    }
    assert.equal(fs.existsSync(lockFile(dir)), false, "the holder released it on exit");
    lockDataDir(dir).release();
  });

  void test("a second lock on a folder this process already holds is refused", () => {
    const dir = dirs("twice");
    const first = lockDataDir(dir);
    try {
      assert.throws(() => lockDataDir(dir), DataDirLockedError);
    } finally {
      first.release();
    }
  });

  void test("a lock file left by a process that has died is taken over", () => {
    const dir = dirs("stale");
    fs.mkdirSync(dir, { recursive: true });
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    assert.ok(dead && dead > 0);
    fs.writeFileSync(lockFile(dir), String(dead));
    const lock = lockDataDir(dir);
    assert.equal(fs.readFileSync(lockFile(dir), "utf8").trim(), String(process.pid));
    lock.release();
  });

  void test("a lock file with garbage in it is taken over", () => {
    const dir = dirs("garbage");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(lockFile(dir), "not a pid");
    const lock = lockDataDir(dir);
    assert.equal(fs.readFileSync(lockFile(dir), "utf8").trim(), String(process.pid));
    lock.release();
  });

  void test("release removes the lock file, so the folder can be locked again; releasing twice is harmless", () => {
    const dir = dirs("release");
    const lock = lockDataDir(dir);
    lock.release();
    assert.equal(fs.existsSync(lockFile(dir)), false);
    lock.release();
    const again = lockDataDir(dir);
    assert.equal(fs.existsSync(lockFile(dir)), true);
    again.release();
  });
});
