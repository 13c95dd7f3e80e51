import assert from "node:assert/strict";
import { test } from "node:test";
import { limitedResourceOf, requestIdFor } from "./partner-center-client.ts";

void test("the same idempotency key always gives the same MS-RequestId, a GUID of version 5", () => {
  const id = requestIdFor("wf_01J8ZK:create-customer");
  assert.equal(requestIdFor("wf_01J8ZK:create-customer"), id);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(requestIdFor("wf_01J8ZK:attest-agreement"), id, "another step, another id");
});

void test("a key that is already a GUID is sent as it is", () => {
  assert.equal(requestIdFor("6B0E2C1A-4F3D-4B8E-9A77-2F1D0C9E8A11"), "6b0e2c1a-4f3d-4b8e-9a77-2f1d0c9e8a11");
});

void test("only the Customer and Subscription resources share a partner budget, each its own (B4)", () => {
  assert.equal(limitedResourceOf("/v1/customers"), "customers");
  assert.equal(limitedResourceOf("/v1/customers?size=3&filter=x"), "customers");
  assert.equal(limitedResourceOf("/v1/customers/abc/carts/1/checkout"), "customers");
  assert.equal(limitedResourceOf("/v1/customers/abc/subscriptions/def/azureEntitlements"), "subscriptions");
  assert.equal(
    limitedResourceOf("https://api.partnercenter.microsoft.com/v1/customers/abc/subscriptions"),
    "subscriptions",
  );
  assert.equal(limitedResourceOf("/v1/domains/contoso.onmicrosoft.com"), null);
  assert.equal(limitedResourceOf("/v1/validations/address"), null);
  assert.equal(limitedResourceOf("/v1/agreements"), null);
  assert.equal(limitedResourceOf("/v1/invoices"), null);
});
