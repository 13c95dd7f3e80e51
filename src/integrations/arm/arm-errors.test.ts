import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyArmFailure, type ArmFailure } from "./arm-errors.ts";

const failure = (status: number | null, microsoftCode: string | null = null): ArmFailure => ({
  status,
  microsoftCode,
  message: "Microsoft's message.",
  correlationId: "c0ffee00-0000-4000-8000-000000000001",
  retryAfterSeconds: status === 429 ? 7 : null,
  policyAssignmentId: null,
});

void test("ARM failures map to our codes: throttling, 5xx and no answer are retryable, other 4xx are not", () => {
  const table: [ArmFailure, string, boolean][] = [
    [failure(null), "azure_unavailable", true],
    [failure(408), "azure_unavailable", true],
    [failure(500, "InternalServerError"), "azure_unavailable", true],
    [failure(503), "azure_unavailable", true],
    [failure(429, "TooManyRequests"), "azure_throttled", true],
    [failure(401, "InvalidAuthenticationTokenAudience"), "azure_sign_in_failed", false],
    [failure(403, "AuthorizationFailed"), "azure_forbidden", false],
    [failure(403, "RequestDisallowedByPolicy"), "azure_policy_denied", false],
    [failure(404, "SubscriptionNotFound"), "azure_not_found", false],
    [failure(409, "RoleAssignmentUpdateNotPermitted"), "azure_assignment_conflict", false],
    [failure(409, "RoleAssignmentExists"), "azure_request_rejected", false],
    [failure(400, "InvalidPrincipalId"), "azure_request_rejected", false],
  ];
  for (const [f, code, retryable] of table) {
    const e = classifyArmFailure(f);
    assert.equal(e.code, code, `${f.status} ${f.microsoftCode}`);
    assert.equal(e.retryable, retryable, `${f.status} ${f.microsoftCode}`);
    assert.equal(e.details.correlationId, f.correlationId, "Microsoft's correlation id is kept");
  }
});

void test("a throttled call says when to retry", () => {
  const e = classifyArmFailure(failure(429));
  assert.equal(e.details.retryAfterSeconds, 7);
  assert.match(e.message, /7 seconds/);
});
