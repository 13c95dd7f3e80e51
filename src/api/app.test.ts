import assert from "node:assert/strict";
import { test } from "node:test";
import { logSerializers } from "./app.ts";

void test("request logs never carry a token from the query string", () => {
  const logged = logSerializers.req({
    method: "GET",
    url: "/api/v1/invitations/preview?token=pci_secretvalue&x=1",
    id: "r1",
  });
  assert.equal(logged.url, "/api/v1/invitations/preview?token=[redacted]&x=1");
  assert.equal(
    logSerializers.req({ method: "GET", url: "/api/v1/x?a=1&token=abc", id: "r2" }).url,
    "/api/v1/x?a=1&token=[redacted]",
  );
});

void test("request logs never carry the code or state Microsoft sends back with a sign-in", () => {
  const logged = logSerializers.req({
    method: "GET",
    url: "/api/v1/partner/microsoft-connection/callback?code=0.AXcode&state=abc123&session_state=s1",
    id: "r3",
  });
  assert.equal(
    logged.url,
    "/api/v1/partner/microsoft-connection/callback?code=[redacted]&state=[redacted]&session_state=s1",
  );
});
