// M4: an import stopped at any batch boundary, then run again, converges to the rows of an import never stopped:
// no row staged twice, none lost, the same snapshots. In process on every backend (the stop is an exception thrown
// from the progress hook, after the batch's transaction committed), and with a real SIGKILL of a child process on
// PostgreSQL.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { openDatabase } from "../src/platform/db/open-database.ts";
import { backends, scratchPostgres } from "./support/databases.ts";
import { generatedMonth, storedState, usageStore } from "./support/usage-store.ts";

const BATCH = 100;
const ROWS = 1000;

class Stop extends Error {}

/** The outcome without the import's own id. */
async function outcome(database: Awaited<ReturnType<typeof openDatabase>>, importId: string) {
  const state = await storedState(database, importId);
  return JSON.parse(JSON.stringify(state)) as unknown;
}

let dir = "";
let file = "";
before(async () => {
  const month = await generatedMonth("crash", { customers: 2 });
  dir = month.dir;
  // The first ROWS lines: ten batches, enough for every kind of boundary.
  const lines = readFileSync(month.file, "utf8").split("\r\n");
  file = path.join(dir, "part.csv");
  writeFileSync(
    file,
    lines
      .slice(0, ROWS + 1)
      .map((l) => `${l}\r\n`)
      .join(""),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const backend of backends()) {
  void describe(`an interrupted usage import resumes to the same rows (${backend.name})`, () => {
    let reference: unknown;
    let batches = 0;
    let groups = 0;

    before(async () => {
      const database = await backend.open();
      try {
        const usage = usageStore(database, BATCH);
        const done = await usage.importUsageFile(file, {
          kind: "unbilled",
          startedBy: "test",
          hooks: { onBatch: () => void batches++, onGroup: () => void groups++ },
        });
        assert.ok(done.ok);
        reference = await outcome(database, done.value.id);
      } finally {
        await database.close();
      }
      assert.ok(batches >= 10, `${batches} batches`);
    });

    void test("stopped after each staged batch in turn, a second import gives the uninterrupted rows", async () => {
      for (let k = 1; k <= batches; k++) {
        const database = await backend.open();
        try {
          const usage = usageStore(database, BATCH);
          await assert.rejects(
            usage.importUsageFile(file, {
              kind: "unbilled",
              startedBy: "test",
              hooks: {
                onBatch: ({ batch }) => {
                  if (batch === k) throw new Stop(`after batch ${k}`);
                },
              },
            }),
            Stop,
          );
          const resumed = await usage.importUsageFile(file, { kind: "unbilled", startedBy: "test" });
          assert.ok(resumed.ok);
          assert.deepEqual(await outcome(database, resumed.value.id), reference, `stopped after batch ${k}`);
        } finally {
          await database.close();
        }
      }
    });

    void test("stopped while publishing, after a few of the days, publishing resumes and counts each day once", async () => {
      for (const g of [1, Math.floor(groups / 2), groups]) {
        const database = await backend.open();
        try {
          const usage = usageStore(database, BATCH);
          let published = 0;
          await assert.rejects(
            usage.importUsageFile(file, {
              kind: "unbilled",
              startedBy: "test",
              hooks: {
                onGroup: () => {
                  if (++published === g) throw new Stop(`after day ${g}`);
                },
              },
            }),
            Stop,
          );
          const resumed = await usage.importUsageFile(file, { kind: "unbilled", startedBy: "test" });
          assert.ok(resumed.ok);
          assert.deepEqual(await outcome(database, resumed.value.id), reference, `stopped after day ${g}`);
        } finally {
          await database.close();
        }
      }
    });

    if (backend.name === "postgres")
      void test("a child process killed with SIGKILL mid-import leaves an import that a second run completes", async () => {
        const scratch = await scratchPostgres(process.env["DATABASE_URL"] ?? "");
        try {
          const child = spawn(
            process.execPath,
            [
              "--import",
              "tsx",
              path.join(import.meta.dirname, "support", "usage-import-child.ts"),
              scratch.url,
              file,
              String(BATCH),
              "4",
            ],
            { stdio: ["ignore", "ignore", "inherit"] },
          );
          const [, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
            child.on("exit", (code, sig) => resolve([code, sig])),
          );
          assert.equal(signal, "SIGKILL");
          const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
          try {
            const left = await database.query("SELECT state, committed_line FROM usage_imports");
            assert.equal(left.rows[0]?.["state"], "staging", "killed while staging");
            const usage = usageStore(database, BATCH);
            const resumed = await usage.importUsageFile(file, { kind: "unbilled", startedBy: "test" });
            assert.ok(resumed.ok);
            assert.deepEqual(await outcome(database, resumed.value.id), reference);
          } finally {
            await database.close();
          }
        } finally {
          await scratch.drop();
        }
      });
  });
}
