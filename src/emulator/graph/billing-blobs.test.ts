import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { test } from "node:test";
import { firstDayOf, usageFor, type UsageSubject } from "../usage/index.ts";
import { blobNames, columnsOf, jsonLinesBlob } from "./billing-blobs.ts";

const subject: UsageSubject = {
  partner: { tenantId: "11111111-1111-4111-8111-111111111111", name: "Partner", mpnId: "1234567" },
  customer: {
    tenantId: "22222222-2222-4222-8222-222222222222",
    companyName: "C",
    domain: "c.onmicrosoft.com",
    country: "CA",
  },
  subscription: { id: "33333333-3333-4333-8333-333333333333", displayName: "S" },
  azurePlanId: "44444444-4444-4444-8444-444444444444",
  sinceDay: firstDayOf("2025-01"),
  scale: 1,
  billingCurrency: "CAD",
  resources: [],
};

void test("an export is split into blobs of at most the partition size, named in order", () => {
  assert.deepEqual(blobNames(0, 100_000), ["part-00000.json.gz"]);
  assert.deepEqual(blobNames(100_000, 100_000), ["part-00000.json.gz"]);
  assert.deepEqual(blobNames(250_001, 100_000), [
    "part-00000.json.gz",
    "part-00001.json.gz",
    "part-00002.json.gz",
  ]);
});

void test("a blob is gzip JSON Lines with the attribute set's names and exact amounts", () => {
  const rows = [...usageFor(subject, firstDayOf("2025-01"), firstDayOf("2025-01") + 1)];
  const text = gunzipSync(jsonLinesBlob(rows, "full", "G000000123")).toString("utf8");
  const lines = text.trim().split("\n");
  assert.equal(lines.length, rows.length);
  const first = lines[0] ?? "";
  assert.deepEqual(Object.keys(JSON.parse(first) as object), columnsOf("full"));
  assert.equal(columnsOf("full").length, 55);
  assert.ok(columnsOf("basic").every((name) => columnsOf("full").includes(name)));
  assert.match(first, /"BillingPreTaxTotal":\d+\.\d{18},/);
  assert.match(first, /"InvoiceNumber":"G000000123"/);
  assert.match(first, /"PartnerEarnedCreditPercentage":(15|0),/);
  const basic = JSON.parse(
    gunzipSync(jsonLinesBlob(rows, "basic", ""))
      .toString("utf8")
      .split("\n")[0] ?? "{}",
  ) as object;
  assert.deepEqual(Object.keys(basic), columnsOf("basic"));
});
