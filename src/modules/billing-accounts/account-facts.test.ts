import assert from "node:assert/strict";
import { test } from "node:test";
import type { PartnerCloudAccount } from "../../integrations/partner-cloud/index.ts";
import { factsOf } from "./account-facts.ts";

const account = (alias: string, parentAlias: string | null, reseller = false): PartnerCloudAccount => ({
  alias,
  name: alias,
  parentAlias,
  country: "us",
  status: "active",
  demo: false,
  internal: false,
  reseller,
});

void test("an account below a reseller, however deep, is a reseller's customer; its siblings are not", () => {
  const facts = factsOf([
    account("ROOT", null),
    account("RSL", "ROOT", true),
    account("CUST", "RSL"),
    account("SUB", "CUST"),
    account("OTHER", "ROOT"),
  ]);
  assert.deepEqual(
    facts.map((f) => [f.alias, f.parentReseller]),
    [
      ["ROOT", false],
      ["RSL", false],
      ["CUST", true],
      ["SUB", true],
      ["OTHER", false],
    ],
  );
  assert.ok(facts.every((f) => f.country === "US"));
});

void test("a loop in the parent links ends the walk instead of hanging", () => {
  const facts = factsOf([account("A", "B"), account("B", "A")]);
  assert.deepEqual(
    facts.map((f) => f.parentReseller),
    [false, false],
  );
});
