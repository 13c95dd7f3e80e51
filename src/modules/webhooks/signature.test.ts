import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { newSigningSecret, signatureHeader, verifySignature } from "./signature.ts";

const secret = "whsec_test-secret";
const body = '{"id":"evt_1","type":"webhook.test"}';
const t = 1_793_610_000;

void test("a signature is the hex HMAC-SHA256 of '<t>.<body>' under the whole secret", () => {
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  assert.equal(signatureHeader([secret], body, t), `t=${t},v1=${expected}`);
});

void test("a header signed with the secret verifies and gives its timestamp", () => {
  assert.deepEqual(verifySignature(secret, signatureHeader([secret], body, t), body, t + 10), {
    ok: true,
    value: { timestamp: t },
  });
});

void test("each wrong input is refused with the reason", () => {
  const good = signatureHeader([secret], body, t);
  const cases: [string, string, string, number, string][] = [
    ["another secret", "whsec_other", good, t, "signature_mismatch"],
    ["a changed body", secret, good, t, "signature_mismatch"],
    [
      "a timestamp changed after signing",
      secret,
      good.replace(`t=${t}`, `t=${t + 1}`),
      t,
      "signature_mismatch",
    ],
    ["older than the tolerance", secret, good, t + 301, "signature_too_old"],
    ["too far in the future", secret, good, t - 301, "signature_too_old"],
    ["no timestamp", secret, good.replace(/^t=\d+,/, ""), t, "signature_malformed"],
    ["no v1", secret, `t=${t},v0=abc`, t, "signature_malformed"],
    ["an empty header", secret, "", t, "signature_malformed"],
    ["a v1 that is not 64 hex digits", secret, `t=${t},v1=zz`, t, "signature_malformed"],
  ];
  for (const [name, key, header, now, code] of cases) {
    const checked = verifySignature(key, header, name === "a changed body" ? `${body} ` : body, now);
    assert.equal(checked.ok ? "ok" : checked.error.code, code, name);
  }
});

void test("the tolerance can be chosen", () => {
  const header = signatureHeader([secret], body, t);
  assert.equal(verifySignature(secret, header, body, t + 600, 900).ok, true);
  assert.equal(verifySignature(secret, header, body, t + 600, 60).ok, false);
});

void test("while a rolled secret is honoured both sign, and either verifies", () => {
  const header = signatureHeader(["whsec_new", "whsec_old"], body, t);
  assert.equal(header.split(",").length, 3);
  assert.equal(verifySignature("whsec_new", header, body, t).ok, true);
  assert.equal(verifySignature("whsec_old", header, body, t).ok, true);
  assert.equal(verifySignature("whsec_neither", header, body, t).ok, false);
});

void test("new secrets start with whsec_ and are never the same", () => {
  const a = newSigningSecret();
  assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, newSigningSecret());
});
