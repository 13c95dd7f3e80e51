import { randomBytes } from "node:crypto";

/** Typed id prefixes. Persisted: never rename one, add a new prefix instead. */
export const idPrefixes = {
  partner: "ptn",
  user: "usr",
  organization: "org",
  costCenter: "cc",
  workspace: "ws",
  invitation: "ivt",
  apiToken: "tok",
  audit: "aud",
  mail: "mail",
  billingAccount: "ba",
  termsAcceptance: "tac",
  workflowRun: "wf",
  provider: "prv",
  shutdownRequest: "sdr",
  driftFinding: "dft",
  webhook: "wh",
  webhookEvent: "evt",
  webhookDelivery: "whd",
  azureCustomer: "azc",
  microsoftSignIn: "msi",
  technicalTask: "tsk",
  usageImport: "uim",
  pricePlan: "pp",
  invoice: "inv",
} as const;

export type IdKind = keyof typeof idPrefixes;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * A new id: prefix, then 48 bits of milliseconds and 80 random bits in Crockford base32, so ids sort by creation
 * time (list pagination relies on that) and cannot be guessed.
 */
export function newId(kind: IdKind, at: Date): string {
  const bytes = new Uint8Array(16);
  let ms = at.getTime();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes.set(randomBytes(10), 6);
  return `${idPrefixes[kind]}_${encode(bytes)}`;
}

export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${idPrefixes[kind]}_[0-9a-z]{26}$`);
}
