import { createHash } from "node:crypto";

/**
 * A name-based UUID (version 5, RFC 9562 §5.5): the same namespace and name always give the same id. Used where an
 * upstream takes a name we choose as its idempotency key (MS-RequestId, ARM assignment names).
 */
export function nameBasedUuid(namespace: Buffer, name: string): string {
  const hash = createHash("sha1").update(namespace).update(name, "utf8").digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
