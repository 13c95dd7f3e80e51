import assert from "node:assert/strict";
import { test } from "node:test";
import { graphErrorOf } from "./graph-errors.ts";

const facts = (status: number | null, code: string | null = null) => ({
  status,
  body:
    code === null
      ? undefined
      : {
          error: {
            code,
            message: "Graph's message.",
            innerError: { "request-id": "req-1", date: "2026-01-01" },
          },
        },
  clientRequestId: "c1e2a3b4-0000-4000-8000-000000000001",
  requestId: null,
  retryAfterSeconds: status === 429 ? 3 : null,
});

void test("Graph failures map to our codes: 429, 5xx and no answer are retryable, other 4xx are not", () => {
  const table: [ReturnType<typeof facts>, string, boolean][] = [
    [facts(400, "BadRequest"), "graph_rejected", false],
    [facts(401, "InvalidAuthenticationToken"), "graph_sign_in_failed", false],
    [facts(403, "Authorization_RequestDenied"), "graph_forbidden", false],
    [facts(404, "notFound"), "graph_not_found", false],
    [facts(409, "conflict"), "graph_conflict", false],
    [facts(412, "preconditionFailed"), "graph_conflict", false],
    [facts(429, "TooManyRequests"), "graph_throttled", true],
    [facts(500, "InternalServerError"), "graph_unavailable", true],
    [facts(503), "graph_unavailable", true],
    [facts(null), "graph_unavailable", true],
  ];
  for (const [f, code, retryable] of table) {
    const e = graphErrorOf(f);
    assert.equal(e.code, code, String(f.status));
    assert.equal(e.retryable, retryable, code);
    assert.equal(e.details.clientRequestId, f.clientRequestId);
  }
});

void test("Graph's code, message and request id are kept for support, and a throttle says when to retry", () => {
  const e = graphErrorOf(facts(429, "TooManyRequests"));
  assert.equal(e.details.graphCode, "TooManyRequests");
  assert.equal(e.details.requestId, "req-1");
  assert.equal(e.details.retryAfterSeconds, 3);
  assert.match(e.message, /3 seconds/);
});
