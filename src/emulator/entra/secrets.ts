import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new unguessable bearer value (authorization code, refresh token, cookie), URL-safe. */
export const newSecret = (bytes = 32) => randomBytes(bytes).toString("base64url");

/** What the emulator keeps of a bearer value: its SHA-256, so a copied state file grants nothing. */
export const sha256Hex = (value: string) => createHash("sha256").update(value).digest("hex");

/** Compares two strings in constant time (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
