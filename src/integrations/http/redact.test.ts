import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { redactHeaders, redactUrl } from "./redact.ts";

void describe("redaction", () => {
  void test("credential headers are replaced whatever their case, the rest kept", () => {
    assert.deepEqual(
      redactHeaders({
        Authorization: "Bearer eyJ.secret",
        cookie: "s=1",
        "MS-CorrelationId": "c1",
        "x-absent": undefined,
      }),
      { Authorization: "[redacted]", cookie: "[redacted]", "MS-CorrelationId": "c1" },
    );
  });

  void test("credential-like query parameters and user info are taken out of URLs", () => {
    const shown = redactUrl(
      "https://user:pw@login.example/t/oauth2?client_secret=s3cr3t&refresh_token=rt&code=c&api-version=2024-01-01",
    );
    assert.ok(!/s3cr3t|pw@|=rt\b|=c\b|user/.test(shown), shown);
    assert.match(shown, /api-version=2024-01-01/);
  });

  void test("something that is not a URL is not echoed", () => {
    assert.equal(redactUrl("not a url with password=x"), "[redacted]");
  });
});
