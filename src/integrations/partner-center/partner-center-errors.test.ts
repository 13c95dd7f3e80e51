import assert from "node:assert/strict";
import { test } from "node:test";
import { partnerCenterErrorOf } from "./partner-center-errors.ts";

const ids = {
  requestId: "11111111-1111-4111-8111-111111111111",
  correlationId: "22222222-2222-4222-8222-222222222222",
};
const pc = (status: number | null, code: number | null, description = "Microsoft's description.") => ({
  ...ids,
  status,
  body: code === null ? undefined : { code, description, data: [], source: "PartnerFD" },
  retryAfterSeconds: null,
});

void test("Partner Center's error codes met in onboarding map to our codes, with retryable set", () => {
  const table: [ReturnType<typeof pc>, string, boolean][] = [
    [pc(409, 2000), "domain_taken", false],
    [
      pc(400, 600081, "The address is not valid. Invalid properties: postalCode, city."),
      "invalid_address",
      false,
    ],
    [pc(400, 600049), "invalid_customer_details", false],
    [pc(400, 600051), "invalid_customer_details", false],
    [pc(403, 13605), "customer_agreement_missing", false],
    [pc(409, 600061), "agreement_already_attested", false],
    [pc(400, 800065), "cart_already_submitted", false],
    [pc(409, 800064), "order_in_progress", true],
    [pc(404, 400019), "catalog_item_unavailable", false],
    [pc(403, 20002), "not_our_customer", false],
    [pc(403, 900999), "not_our_customer", false],
    [pc(403, 900124), "partner_agreement_missing", false],
    [pc(403, 900115), "azure_plan_in_use", false],
    [pc(404, 600008), "not_found", false],
    [pc(409, 409001), "idempotency_key_reused", false],
    [pc(401, 900401), "partner_center_sign_in_failed", false],
    [pc(400, 800002), "partner_center_rejected", false],
    [pc(500, 500000), "partner_center_unavailable", true],
    [pc(503, null), "partner_center_unavailable", true],
    [pc(null, null), "partner_center_unavailable", true],
  ];
  for (const [failure, code, retryable] of table) {
    const e = partnerCenterErrorOf(failure);
    assert.equal(e.code, code, JSON.stringify(failure.body ?? failure.status));
    assert.equal(e.retryable, retryable, code);
    assert.equal(e.details.correlationId, ids.correlationId, "the correlation id is kept");
    assert.ok(e.message.length > 30, `${code} says how to fix it`);
  }
});

void test("an invalid address names the fields Microsoft found wrong", () => {
  const e = partnerCenterErrorOf(
    pc(400, 600081, "The address is not valid. Invalid properties: postalCode, city."),
  );
  assert.deepEqual(e.details.invalidFields, ["city", "postalCode"]);
  assert.match(e.message, /city, postalCode/);
});

void test("a 429 with Partner Center's throttling body says when to retry", () => {
  const e = partnerCenterErrorOf({
    ...ids,
    status: 429,
    body: { statusCode: 429, message: "Rate limit is exceeded. Try again in 57 seconds." },
    retryAfterSeconds: 57,
  });
  assert.equal(e.code, "partner_center_throttled");
  assert.equal(e.retryable, true);
  assert.equal(e.details.retryAfterSeconds, 57);
  assert.equal(e.details.description, "Rate limit is exceeded. Try again in 57 seconds.");
});

void test("a code Partner Center sends as a string is read like a number", () => {
  assert.equal(
    partnerCenterErrorOf({ ...pc(409, null), body: { code: "2000", description: "taken" } }).code,
    "domain_taken",
  );
});
