import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, type Config } from "./config.ts";
import { err, ok, type Result } from "./result.ts";

/**
 * Secrets at rest (client secrets, refresh tokens): AES-256-GCM under a key ring. The first key encrypts, every
 * key decrypts, so a key is rotated by putting a new one first, re-encrypting what is stored (`reencrypt`), then
 * dropping the old one. The stored form names its key: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts);
 * the version and key id are authenticated with the ciphertext, so neither can be altered unnoticed.
 */
const VERSION = "v1";
const IV_BYTES = 12;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export type SecretError =
  | {
      readonly code: "secret_key_unknown";
      readonly message: string;
      readonly retryable: false;
      readonly details: { readonly keyId: string };
    }
  | {
      readonly code: "secret_unreadable";
      readonly message: string;
      readonly retryable: false;
      readonly details: { readonly keyId?: string };
    };

export type SecretBox = {
  /** The id of the key new secrets are encrypted under. */
  readonly currentKeyId: string;
  readonly encrypt: (plaintext: string) => string;
  readonly decrypt: (stored: string) => Result<string, SecretError>;
  /** The same secret under the current key (unchanged if it already is): for key rotation. */
  readonly reencrypt: (stored: string) => Result<string, SecretError>;
};

export type SecretKey = Readonly<{ id: string; key: string }>;

function parseKeys(keys: readonly SecretKey[]): Map<string, Buffer> {
  const ring = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    const bytes = Buffer.from(key, "base64");
    if (!KEY_ID.test(id) || bytes.length !== 32 || ring.has(id))
      throw new ConfigError(
        `SECRETS_KEYS: key '${KEY_ID.test(id) ? id : "?"}' must be a unique id and 32 bytes in base64.`,
      );
    ring.set(id, bytes);
  }
  return ring;
}

/** A box over the given keys, the first of which encrypts. Throws a ConfigError for an empty or bad ring. */
export function createSecretBox(keys: readonly SecretKey[]): SecretBox {
  const ring = parseKeys(keys);
  const current = keys[0];
  const currentKey = current ? ring.get(current.id) : undefined;
  if (!current || !currentKey) throw new ConfigError("SECRETS_KEYS: at least one key is needed.");

  const encrypt = (plaintext: string): string => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", currentKey, iv);
    cipher.setAAD(Buffer.from(`${VERSION}.${current.id}`));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, current.id, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
      .join(".");
  };

  const decrypt = (stored: string): Result<string, SecretError> => {
    const [version, keyId, iv, tag, body, ...rest] = stored.split(".");
    if (version !== VERSION || !keyId || !iv || !tag || body === undefined || rest.length > 0)
      return err({
        code: "secret_unreadable",
        message: "The stored secret is not in the v1 format; it may be damaged. Enter the secret again.",
        retryable: false,
        details: {},
      });
    const key = ring.get(keyId);
    if (!key)
      return err({
        code: "secret_key_unknown",
        message: `The stored secret was encrypted with key '${keyId}', which is not in SECRETS_KEYS. Add that key back (after the current one) or enter the secret again.`,
        retryable: false,
        details: { keyId },
      });
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(`${version}.${keyId}`));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return ok(
        Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8"),
      );
    } catch {
      // GCM's tag check failed: the bytes were altered, or this key id now names a different key.
      return err({
        code: "secret_unreadable",
        message: `The stored secret does not decrypt with key '${keyId}': it was altered, or that key id now names another key. Enter the secret again.`,
        retryable: false,
        details: { keyId },
      });
    }
  };

  const reencrypt = (stored: string): Result<string, SecretError> => {
    if (stored.startsWith(`${VERSION}.${current.id}.`)) {
      const readable = decrypt(stored);
      return readable.ok ? ok(stored) : readable;
    }
    const plain = decrypt(stored);
    return plain.ok ? ok(encrypt(plain.value)) : plain;
  };

  return { currentKeyId: current.id, encrypt, decrypt, reencrypt };
}

/**
 * The product's secret box. Configured keys (`SECRETS_KEYS`) win. Without them, an embedded installation gets a
 * key generated on first start into `<DATA_DIR>/secrets.key` (mode 600, same `id:base64` form, so it can be moved
 * into SECRETS_KEYS later); with `DATABASE_URL` set, instances share the database and must share the keys, so
 * SECRETS_KEYS is required. `generated` is true when this call created the key file, for the start-up message.
 */
export function loadSecretBox(config: Pick<Config, "databaseUrl" | "secrets">): {
  box: SecretBox;
  generated: boolean;
} {
  if (config.secrets.keys.length > 0) return { box: createSecretBox(config.secrets.keys), generated: false };
  if (config.databaseUrl)
    throw new ConfigError(
      "Invalid configuration:\n  SECRETS_KEYS: is required with DATABASE_URL (every instance must decrypt the same secrets); " +
        "generate a key with `openssl rand -base64 32` and set SECRETS_KEYS=k1:<that key>",
    );
  const file = config.secrets.keyFile;
  let generated = false;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      // "wx": of two processes starting at once, one writes the key and the other reads it.
      fs.writeFileSync(file, `k1:${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
      generated = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  const keys = fs
    .readFileSync(file, "utf8")
    .trim()
    .split(/[,\n]/)
    .filter(Boolean)
    .map((pair) => {
      const [id = "", key = ""] = pair.trim().split(":");
      return { id, key };
    });
  try {
    return { box: createSecretBox(keys), generated };
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${file} is damaged: ${e.message}`);
    throw e;
  }
}
