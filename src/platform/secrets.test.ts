import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { ConfigError } from "./config.ts";
import { createSecretBox, loadSecretBox } from "./secrets.ts";

const newKey = (id: string) => ({ id, key: randomBytes(32).toString("base64") });

void describe("secrets at rest", () => {
  const k1 = newKey("k1");
  const k2 = newKey("k2");

  void test("a secret comes back as it went in, and its stored form names the key but not the secret", () => {
    const box = createSecretBox([k1]);
    const stored = box.encrypt("client-secret-Ünïcode-✓");
    assert.match(stored, /^v1\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(!stored.includes("client-secret"));
    assert.deepEqual(box.decrypt(stored), { ok: true, value: "client-secret-Ünïcode-✓" });
  });

  void test("the same secret encrypted twice gives two different stored forms", () => {
    const box = createSecretBox([k1]);
    assert.notEqual(box.encrypt("same"), box.encrypt("same"));
  });

  void test("after rotation the new key encrypts, the old one still decrypts, and reencrypt moves a secret to the new key", () => {
    const old = createSecretBox([k1]).encrypt("refresh-token");
    const rotated = createSecretBox([k2, k1]);
    assert.equal(rotated.currentKeyId, "k2");
    assert.match(rotated.encrypt("x"), /^v1\.k2\./);
    assert.deepEqual(rotated.decrypt(old), { ok: true, value: "refresh-token" });
    const moved = rotated.reencrypt(old);
    assert.ok(moved.ok);
    assert.match(moved.value, /^v1\.k2\./);
    assert.deepEqual(createSecretBox([k2]).decrypt(moved.value), { ok: true, value: "refresh-token" });
    assert.deepEqual(rotated.reencrypt(moved.value), moved, "already under the current key: unchanged");
  });

  void test("a secret whose key was dropped from the ring is a typed error naming the key", () => {
    const stored = createSecretBox([k1]).encrypt("s");
    const result = createSecretBox([k2]).decrypt(stored);
    assert.ok(!result.ok);
    assert.equal(result.error.code, "secret_key_unknown");
    assert.equal(result.error.details.keyId, "k1");
  });

  void test("a key id that now names another key is detected, not decrypted into garbage", () => {
    const stored = createSecretBox([k1]).encrypt("s");
    const result = createSecretBox([{ id: "k1", key: k2.key }]).decrypt(stored);
    assert.ok(!result.ok);
    assert.equal(result.error.code, "secret_unreadable");
  });

  const tampers: [string, (parts: string[]) => string[]][] = [
    ["a flipped ciphertext byte", (p) => p.map((x, i) => (i === 4 ? flip(x) : x))],
    ["a changed tag", (p) => p.map((x, i) => (i === 3 ? flip(x) : x))],
    ["a changed IV", (p) => p.map((x, i) => (i === 2 ? flip(x) : x))],
    ["a relabelled key id", (p) => p.map((x, i) => (i === 1 ? "k2" : x))],
    ["a missing part", (p) => p.slice(0, 4)],
    ["another version", (p) => p.map((x, i) => (i === 0 ? "v2" : x))],
  ];
  for (const [name, tamper] of tampers)
    void test(`${name} is refused`, () => {
      const box = createSecretBox([k1, k2]);
      const stored = box.encrypt("a secret long enough to flip a byte of");
      const result = box.decrypt(tamper(stored.split(".")).join("."));
      assert.ok(!result.ok);
      assert.equal(result.error.code, "secret_unreadable");
    });

  void test("a bad key ring is a configuration error", () => {
    assert.throws(() => createSecretBox([]), ConfigError);
    assert.throws(
      () => createSecretBox([{ id: "k1", key: randomBytes(16).toString("base64") }]),
      ConfigError,
    );
    assert.throws(() => createSecretBox([k1, k1]), ConfigError);
  });

  void test("an embedded installation without keys generates one into DATA_DIR/secrets.key, readable only by its owner, once", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pc-secrets-"));
    const config = { databaseUrl: undefined, secrets: { keys: [], keyFile: path.join(dir, "secrets.key") } };
    const first = loadSecretBox(config);
    assert.equal(first.generated, true);
    assert.equal(fs.statSync(config.secrets.keyFile).mode & 0o777, 0o600);
    const stored = first.box.encrypt("kept across restarts");
    const second = loadSecretBox(config);
    assert.equal(second.generated, false);
    assert.deepEqual(second.box.decrypt(stored), { ok: true, value: "kept across restarts" });
  });

  void test("with DATABASE_URL and no SECRETS_KEYS, start-up stops with an error naming SECRETS_KEYS", () => {
    assert.throws(
      () =>
        loadSecretBox({
          databaseUrl: "postgres://db/pc",
          secrets: { keys: [], keyFile: path.join(os.tmpdir(), "never-written.key") },
        }),
      (e: unknown) => e instanceof ConfigError && /\bSECRETS_KEYS\b/.test(e.message),
    );
  });

  void test("configured keys are used as they are, and no key file is written", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pc-secrets-"));
    const keyFile = path.join(dir, "secrets.key");
    const { box, generated } = loadSecretBox({
      databaseUrl: "postgres://db/pc",
      secrets: { keys: [k2, k1], keyFile },
    });
    assert.equal(generated, false);
    assert.equal(box.currentKeyId, "k2");
    assert.equal(fs.existsSync(keyFile), false);
  });
});

function flip(part: string): string {
  const bytes = Buffer.from(part, "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString("base64url");
}
