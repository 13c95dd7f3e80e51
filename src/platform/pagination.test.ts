import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeCursor, encodeCursor, PageQuery, pageOf, toPage } from "./pagination.ts";

void describe("page query", () => {
  const accepted: [string, Record<string, string>, { limit: number; cursor?: string }][] = [
    ["no parameters give 50 items from the start", {}, { limit: 50 }],
    ["limit is read from the query string", { limit: "10" }, { limit: 10 }],
    ["limit 1 is the smallest page", { limit: "1" }, { limit: 1 }],
    ["limit 200 is the largest page", { limit: "200" }, { limit: 200 }],
    ["a cursor is passed through", { cursor: "dXNyXzAx" }, { limit: 50, cursor: "dXNyXzAx" }],
  ];
  for (const [name, query, expected] of accepted)
    void test(name, () => {
      assert.deepEqual(PageQuery.parse(query), expected);
    });

  const refused: [string, Record<string, string>, RegExp][] = [
    ["limit 0", { limit: "0" }, /at least 1/],
    ["limit 201", { limit: "201" }, /at most 200/],
    ["a fractional limit", { limit: "2.5" }, /whole number/],
    ["a limit that is not a number", { limit: "ten" }, /whole number/],
    ["a cursor with characters outside base64url", { cursor: "a b" }, /nextCursor/],
    ["a cursor with a slash", { cursor: "a/b" }, /nextCursor/],
    ["an empty cursor", { cursor: "" }, /nextCursor/],
    ["a cursor longer than 200 characters", { cursor: "a".repeat(201) }, /nextCursor/],
  ];
  for (const [name, query, message] of refused)
    void test(`${name} is refused with a message saying what to send`, () => {
      const parsed = PageQuery.safeParse(query);
      assert.equal(parsed.success, false);
      assert.match(parsed.error?.issues.map((i) => i.message).join("; ") ?? "", message);
    });
});

void describe("cursors and pages", () => {
  for (const key of ["usr_06gspz56g0za2mhhh0nb7ktkmw", "12345", "a/b+c=d", "é ünïcode"])
    void test(`a cursor round-trips ${JSON.stringify(key)} and is valid in a query string`, () => {
      const cursor = encodeCursor(key);
      assert.match(cursor, /^[A-Za-z0-9_-]+$/);
      assert.equal(decodeCursor(cursor), key);
      assert.equal(PageQuery.safeParse({ cursor }).success, true);
    });

  void test("no cursor decodes to no position", () => {
    assert.equal(decodeCursor(undefined), undefined);
    assert.deepEqual(toPage({ limit: 20 }), { limit: 20 });
  });

  void test("toPage turns a cursor back into the key to continue after", () => {
    assert.deepEqual(toPage({ limit: 5, cursor: encodeCursor("ws_x") }), { limit: 5, after: "ws_x" });
  });

  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i + 1}` }));
  const cases: [string, number, number, string[], string | null][] = [
    ["no rows give an empty last page", 0, 3, [], null],
    ["fewer rows than the limit are the last page", 2, 3, ["r1", "r2"], null],
    ["exactly the limit is the last page", 3, 3, ["r1", "r2", "r3"], null],
    ["one row more than the limit means another page after the last item", 4, 3, ["r1", "r2", "r3"], "r3"],
    ["a limit of 1 with more rows", 2, 1, ["r1"], "r1"],
  ];
  for (const [name, n, limit, ids, next] of cases)
    void test(name, () => {
      const page = pageOf(rows(n), limit, (r) => r.id);
      assert.deepEqual(
        page.items.map((r) => r.id),
        ids,
      );
      assert.equal(page.nextCursor === null ? null : decodeCursor(page.nextCursor), next);
    });

  void test("walking pages with their cursors visits every row once, in order", () => {
    const all = rows(23);
    const seen: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 30; guard++) {
      const from = after === undefined ? 0 : all.findIndex((r) => r.id === after) + 1;
      const page = pageOf(all.slice(from, from + 5 + 1), 5, (r) => r.id);
      seen.push(...page.items.map((r) => r.id));
      if (page.nextCursor === null) break;
      after = toPage({ limit: 5, cursor: page.nextCursor }).after;
    }
    assert.deepEqual(
      seen,
      all.map((r) => r.id),
    );
  });
});
