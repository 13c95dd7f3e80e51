import assert from "node:assert/strict";
import { test } from "node:test";
import { canMove, providerStates, type ProviderState } from "./states.ts";

const allowed: [ProviderState, ProviderState][] = [
  ["initializing", "processing"],
  ["initializing", "ready"],
  ["initializing", "failed"],
  ["initializing", "deleting"],
  ["processing", "ready"],
  ["processing", "failed"],
  ["processing", "unavailable"],
  ["processing", "deleting"],
  ["ready", "ready"],
  ["ready", "processing"],
  ["ready", "unavailable"],
  ["ready", "deleting"],
  ["unavailable", "ready"],
  ["unavailable", "unavailable"],
  ["unavailable", "processing"],
  ["unavailable", "deleting"],
  ["failed", "processing"],
  ["failed", "deleting"],
];

for (const from of providerStates)
  for (const to of providerStates) {
    const expected = allowed.some(([f, t]) => f === from && t === to);
    void test(`a provider ${expected ? "may" : "may not"} go from ${from} to ${to}`, () => {
      assert.equal(canMove(from, to), expected);
    });
  }
