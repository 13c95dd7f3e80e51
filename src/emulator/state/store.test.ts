import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { z } from "zod";
import { openStore } from "./store.ts";

const Item = z.object({ id: z.string(), n: z.number() });
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), "pc-emu-store-"));
const onDisk = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, "state.json"), "utf8")) as Record<string, unknown>;

void test("a burst of changes is written together shortly after, and a reopened store reads them back", async () => {
  const dir = tempDir();
  const store = openStore(dir);
  const items = store.collection("items", Item);
  for (let i = 0; i < 100; i++) items.add({ id: `i${i}`, n: i });
  assert.equal(
    items.upsert((x) => x.id === "i1", { id: "i1", n: -1 }),
    "updated",
  );
  assert.equal(
    items.remove((x) => x.n >= 50),
    50,
  );
  await new Promise((r) => setTimeout(r, 60));
  assert.equal((onDisk(dir)["items"] as unknown[]).length, 50, "written without an explicit flush");
  store.close();
  const again = openStore(dir).collection("items", Item);
  assert.equal(again.all().length, 50);
  assert.deepEqual(
    again.find((x) => x.id === "i1"),
    { id: "i1", n: -1 },
  );
});

void test("close writes what is pending at once; a collection is opened once per store", () => {
  const dir = tempDir();
  const store = openStore(dir);
  store.collection("items", Item).add({ id: "a", n: 1 });
  store.close();
  assert.deepEqual(onDisk(dir)["items"], [{ id: "a", n: 1 }]);
  const reopened = openStore(dir);
  reopened.collection("items", Item);
  assert.throws(() => reopened.collection("items", Item), /opened twice/);
  reopened.close();
});

void test("closing a store stops it watching for process exit, so many emulators in one process leak no listeners", () => {
  const before = process.listenerCount("exit");
  for (let i = 0; i < 20; i++) openStore(tempDir()).close();
  assert.equal(process.listenerCount("exit"), before);
});
