import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { idPattern, idPrefixes, newId, type IdKind } from "./ids.ts";

const at = new Date("2026-11-02T09:00:00Z");

void describe("ids", () => {
  for (const [kind, prefix] of Object.entries(idPrefixes) as [IdKind, string][]) {
    void test(`a ${kind} id is ${prefix}_ followed by 26 lower-case Crockford base32 characters`, () => {
      const id = newId(kind, at);
      assert.match(id, new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`));
      assert.ok(idPattern(kind).test(id), `${id} matches idPattern(${kind})`);
    });
  }

  void test("idPattern refuses another kind's id, upper case and a wrong length", () => {
    const ws = newId("workspace", at);
    assert.equal(idPattern("organization").test(ws), false);
    assert.equal(idPattern("workspace").test(ws.toUpperCase()), false);
    assert.equal(idPattern("workspace").test(ws.slice(0, -1)), false);
    assert.equal(idPattern("workspace").test(`${ws}0`), false);
  });

  void test("ids sort by creation time, from milliseconds apart to centuries apart", () => {
    const times = [
      new Date("1970-01-01T00:00:00.001Z"),
      new Date("2001-09-09T01:46:40Z"),
      new Date("2026-11-02T09:00:00.000Z"),
      new Date("2026-11-02T09:00:00.001Z"),
      new Date("2026-11-02T09:00:00.256Z"),
      new Date("2026-11-02T09:00:01Z"),
      new Date("2100-01-01T00:00:00Z"),
      new Date("8000-01-01T00:00:00Z"),
    ];
    for (let round = 0; round < 50; round++) {
      const ids = times.map((t) => newId("audit", t));
      assert.deepEqual([...ids].sort(), ids);
    }
  });

  void test("ids made in the same millisecond are all different", () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newId("user", at)));
    assert.equal(ids.size, 20_000);
  });

  void test("two ids of one millisecond share the time part and differ in the random part", () => {
    const a = newId("user", at).slice(4);
    const b = newId("user", at).slice(4);
    assert.equal(a.slice(0, 9), b.slice(0, 9), "48 bits of time are the first 9.6 characters");
    assert.notEqual(a.slice(10), b.slice(10));
  });
});
