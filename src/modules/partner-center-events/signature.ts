import { verify, type KeyObject } from "node:crypto";
import { err, ok, type Result } from "../../platform/result.ts";
import { partnerCenterEventsErrors } from "./errors.ts";

/** Request headers as Node gives them: lower-case names. */
export type DeliveryHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What a delivery claims about its signature, before anything is checked. */
export type SignatureClaim = {
  readonly signature: Buffer;
  readonly certificateUrl: string;
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const one = (headers: DeliveryHeaders, name: string): string | undefined | null => {
  const v = headers[name];
  if (v === undefined) return undefined;
  return typeof v === "string" ? v.trim() : null;
};

/**
 * The signature headers Partner Center sends (partner-center-webhooks.md, "How to authenticate the callback"):
 * `Authorization: Signature <base64>` (or `x-ms-signature` when the partner asked for it there),
 * `X-MS-Certificate-Url` and `X-MS-Signature-Algorithm`. Only rsa-sha256 is accepted.
 */
export function signatureClaim(
  headers: DeliveryHeaders,
): Result<SignatureClaim, ReturnType<typeof partnerCenterEventsErrors.unsigned>> {
  const unsigned = (what: string) => err(partnerCenterEventsErrors.unsigned(what));
  const authorization = one(headers, "authorization");
  const separate = one(headers, "x-ms-signature");
  if (authorization === null || separate === null) return unsigned("a signature header is repeated");
  const given = authorization ?? separate;
  if (!given) return unsigned("no Authorization: Signature header");
  const match = /^(?:Signature\s+)?(\S+)$/i.exec(given);
  const encoded = match?.[1];
  if (!encoded || (authorization !== undefined && !/^Signature\s/i.test(given)))
    return unsigned("the Authorization header's scheme is not Signature");
  if (!BASE64.test(encoded)) return unsigned("the signature is not base64");
  const algorithm = one(headers, "x-ms-signature-algorithm");
  if (!algorithm) return unsigned("no X-MS-Signature-Algorithm header");
  if (algorithm.toLowerCase() !== "rsa-sha256")
    return unsigned(`the signature algorithm ${algorithm.slice(0, 40)} is not rsa-sha256`);
  const certificateUrl = one(headers, "x-ms-certificate-url");
  if (!certificateUrl) return unsigned("no X-MS-Certificate-Url header");
  return ok({ signature: Buffer.from(encoded, "base64"), certificateUrl });
}

/** RSA PKCS#1 v1.5 with SHA-256 over the body's bytes exactly as they arrived. */
export function signatureHolds(key: KeyObject, rawBody: Uint8Array, signature: Buffer): boolean {
  try {
    return verify("sha256", rawBody, key, signature);
  } catch {
    return false;
  }
}
