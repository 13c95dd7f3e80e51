import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { err, ok, type Result } from "../../platform/result.ts";

/** The header that carries the signature of a delivery. */
export const SIGNATURE_HEADER = "Partner-Cloud-Signature";

/** A new signing secret: `whsec_` and 32 random bytes. The whole string is the HMAC key. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

const hmac = (secret: string, timestamp: number, body: string): string =>
  createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");

/**
 * The value of the signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with one `v1` per
 * secret given. While a rolled secret is still honoured both sign, so a receiver holding either one accepts.
 */
export function signatureHeader(secrets: readonly string[], body: string, timestamp: number): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmac(s, timestamp, body)}`)].join(",");
}

export type SignatureError = {
  readonly code: "signature_malformed" | "signature_too_old" | "signature_mismatch";
  readonly message: string;
  readonly retryable: false;
};

const refuse = (code: SignatureError["code"], message: string) =>
  err<SignatureError>({ code, message, retryable: false });

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * For receivers: checks a delivery's `Partner-Cloud-Signature` header against the endpoint's secret and the raw body
 * exactly as received. The timestamp must be within `toleranceSeconds` of `nowSeconds` (either way), which bounds
 * replays; any one `v1` matching is enough. Returns the signed timestamp.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): Result<{ timestamp: number }, SignatureError> {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && HEX_SHA256.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0)
    return refuse(
      "signature_malformed",
      `${SIGNATURE_HEADER} must look like t=<unix seconds>,v1=<64 hex digits>; the header received does not.`,
    );
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return refuse(
      "signature_too_old",
      `The signature's timestamp is ${nowSeconds - timestamp} s from now, beyond the ${toleranceSeconds} s allowed: check the receiver's clock, or treat the request as a replay.`,
    );
  const expected = Buffer.from(hmac(secret, timestamp, body), "hex");
  const matches = signatures.some((s) => timingSafeEqual(Buffer.from(s, "hex"), expected));
  if (!matches)
    return refuse(
      "signature_mismatch",
      "No v1 signature matches: check the endpoint's current signing secret, and verify the raw body before parsing it.",
    );
  return ok({ timestamp });
}
