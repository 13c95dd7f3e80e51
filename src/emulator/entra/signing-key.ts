import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** The RSA key the emulated Entra ID signs access tokens with (RS256), persisted, and published as a JWKS. */
export function loadSigningKey(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "token-signing-key.pem");
  if (!fs.existsSync(file)) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    fs.writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }
  const privateKey: KeyObject = createPrivateKey(fs.readFileSync(file, "utf8"));
  const publicJwk = createPublicKey(privateKey).export({ format: "jwk" });
  const kid = createHash("sha256").update(`${publicJwk.n}.${publicJwk.e}`).digest("base64url").slice(0, 27);
  return {
    kid,
    jwks: () => ({ keys: [{ kty: "RSA", use: "sig", alg: "RS256", kid, n: publicJwk.n, e: publicJwk.e }] }),
    /** An RSA-SHA256 signature of raw bytes, base64: how Partner Center signs its webhook deliveries. */
    signBytes: (data: Buffer): string => sign("sha256", data, privateKey).toString("base64"),
    publicKeyPem: (): string =>
      createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString(),
    sign(claims: Record<string, unknown>): string {
      const head = b64url(JSON.stringify({ typ: "JWT", alg: "RS256", kid }));
      const body = b64url(JSON.stringify(claims));
      return `${head}.${body}.${b64url(sign("sha256", Buffer.from(`${head}.${body}`), privateKey))}`;
    },
  };
}

export type SigningKey = ReturnType<typeof loadSigningKey>;
