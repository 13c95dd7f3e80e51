import assert from "node:assert/strict";
import { randomBytes, scryptSync } from "node:crypto";
import { describe, test } from "node:test";
import { hashPassword, newSecret, sha256, verifyPassword } from "./crypto.ts";

const PASSWORD = "correct horse battery staple";

void describe("password hashing", () => {
  let hash: string;

  void test("a hash verifies its own password", async () => {
    hash = await hashPassword(PASSWORD);
    assert.equal(await verifyPassword(PASSWORD, hash), true);
  });

  void test("a wrong password, a near miss and the empty string do not verify", async () => {
    hash ??= await hashPassword(PASSWORD);
    for (const wrong of ["Correct horse battery staple", `${PASSWORD} `, PASSWORD.slice(0, -1), ""])
      assert.equal(await verifyPassword(wrong, hash), false, JSON.stringify(wrong));
  });

  void test("the encoded form carries the scheme, its parameters and the salt, not the password", async () => {
    hash ??= await hashPassword(PASSWORD);
    assert.match(hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.ok(!hash.includes(PASSWORD));
  });

  void test("verification uses the parameters in the encoded form, so hashes made with other parameters still verify", async () => {
    const salt = randomBytes(16);
    const key = scryptSync(PASSWORD, salt, 32, { N: 1024, r: 8, p: 1 });
    const older = `scrypt$1024$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`;
    assert.equal(await verifyPassword(PASSWORD, older), true);
    assert.equal(await verifyPassword("another password", older), false);
  });

  void test("two hashes of one password differ (each has its own salt)", async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword(PASSWORD, b), true);
  });

  void test("a password typed as composed or decomposed Unicode verifies either way", async () => {
    const composed = "caf\u00e9 au lait, s'il vous pla\u00eet";
    const decomposed = composed.normalize("NFD");
    assert.notEqual(composed, decomposed);
    assert.equal(await verifyPassword(decomposed, await hashPassword(composed)), true);
  });

  void test("a malformed or foreign encoded hash never verifies", async () => {
    for (const encoded of ["", "scrypt", "bcrypt$10$abc", "scrypt$32768$8$1$$", `$2b$10$${"a".repeat(53)}`])
      assert.equal(await verifyPassword(PASSWORD, encoded), false, encoded);
  });
});

void describe("secrets", () => {
  void test("a secret is its prefix and 43 base64url characters (256 bits), different every time", () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => newSecret("pct")));
    assert.equal(secrets.size, 1000);
    for (const s of secrets) assert.match(s, /^pct_[A-Za-z0-9_-]{43}$/);
  });

  void test("sha256 is the lower-case hex SHA-256 of the text", () => {
    assert.equal(sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
