import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { codeChallengeOf, newSignInSecrets, stateKey } from "./pkce.ts";

void describe("PKCE and state for the partner administrator's sign-in", () => {
  void test("the S256 challenge of RFC 7636's example verifier is the one the RFC gives (appendix B)", () => {
    assert.equal(
      codeChallengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  void test("each sign-in gets a fresh verifier and state of 43 unreserved characters, and the matching challenge", () => {
    const a = newSignInSecrets();
    const b = newSignInSecrets();
    for (const s of [a, b]) {
      assert.match(s.verifier, /^[A-Za-z0-9_-]{43}$/);
      assert.match(s.state, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(s.challenge, codeChallengeOf(s.verifier));
    }
    assert.notEqual(a.verifier, b.verifier);
    assert.notEqual(a.state, b.state);
  });

  void test("a state is kept as its SHA-256 in hex, never as itself", () => {
    const { state } = newSignInSecrets();
    assert.match(stateKey(state), /^[0-9a-f]{64}$/);
    assert.ok(!stateKey(state).includes(state));
  });
});
