import assert from "node:assert/strict";
import { test } from "node:test";
import { parseJsonExact } from "./exact-json.ts";

void test("numbers keep every digit Microsoft sent; strings with digits, quotes and escapes are untouched", () => {
  assert.deepEqual(
    parseJsonExact(
      '{"a":0.123456789012345678,"b":-12,"c":"1.5 \\"x\\" 2","d":[1e-7,true,null],"e":{"f":"\\\\"}}',
    ),
    { a: "0.123456789012345678", b: "-12", c: '1.5 "x" 2', d: ["1e-7", true, null], e: { f: "\\" } },
  );
});

void test("text that is not JSON is refused", () => {
  assert.throws(() => parseJsonExact("{a:1}"), SyntaxError);
});
