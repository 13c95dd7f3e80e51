import { createHash, hash } from "node:crypto";

/** A 32-bit seed from any text (the first four bytes of its SHA-256), so a seed follows from an id. */
export function seedOf(...parts: string[]): number {
  return hash("sha256", parts.join("|"), "buffer").readUInt32BE(0);
}

/** A stable GUID-shaped id from text (SHA-256 laid out as a version-5-style UUID), for meter and plan ids. */
export function stableGuid(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("|")).digest("hex");
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Upper-case letters and digits, as Partner Center's product (12), SKU (4) and availability (12) ids are. */
export function stableCode(length: number, ...parts: string[]): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const bytes = createHash("sha256").update(parts.join("|")).digest();
  let code = "";
  for (let i = 0; i < length; i++) code += alphabet[(bytes[i] ?? 0) % alphabet.length] ?? "0";
  return code;
}
