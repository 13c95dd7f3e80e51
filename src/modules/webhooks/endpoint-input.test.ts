import assert from "node:assert/strict";
import { test } from "node:test";
import { urlProblem, WebhookFields } from "./endpoint-input.ts";

void test("https addresses are accepted, and plain http only on this machine", () => {
  for (const ok of [
    "https://hooks.example.com/partner-cloud",
    "https://example.com:8443/in?source=pc",
    "http://localhost:3000/hook",
    "http://127.0.0.1:49152/",
    "http://[::1]:8080/hook",
  ])
    assert.equal(urlProblem(ok), null, ok);
});

void test("each refused address says why", () => {
  const cases: [string, RegExp][] = [
    ["not a url", /absolute address/],
    ["/relative/path", /absolute address/],
    ["http://hooks.example.com/in", /https:\/\//],
    ["http://10.0.0.5/in", /https:\/\//],
    ["ftp://example.com/in", /https:\/\//],
    ["https://user:pw@example.com/in", /user name or password/],
    ["https://example.com/in#part", /fragment/],
  ];
  for (const [url, why] of cases) assert.match(urlProblem(url) ?? "", why, url);
});

void test("event types are known names, or * alone; duplicates collapse", () => {
  const types = WebhookFields.shape.eventTypes;
  assert.deepEqual(types.parse(["provider.ready", "provider.ready"]), ["provider.ready"]);
  assert.deepEqual(types.parse(["*"]), ["*"]);
  assert.equal(types.safeParse(["*", "provider.ready"]).success, false);
  assert.equal(types.safeParse(["provider.exploded"]).success, false);
  assert.equal(types.safeParse([]).success, false);
});
