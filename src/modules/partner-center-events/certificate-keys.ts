import { createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import type { WebhookCertificateError } from "../../integrations/partner-center/index.ts";
import type { Clock } from "../../platform/clock.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { ConnectedPartnerCenter } from "./deps.ts";
import { partnerCenterEventsErrors } from "./errors.ts";

/**
 * Where Microsoft publishes the certificate its Partner Center events are signed with: the documented delivery
 * names `https://3psostorageacct.blob.core.windows.net/cert/pcnotifications.microsoft.com.cer`
 * (partner-center-webhooks.md, "Receiving events from Partner Center").
 */
export const MICROSOFT_CERTIFICATE_ORIGIN = "https://3psostorageacct.blob.core.windows.net";

/** A key is kept this long, then fetched again: Microsoft renews the certificate behind the same link. */
const KEEP_MS = 60 * 60_000;
/** A failed download or an unusable certificate is not fetched again for this long, whoever asks. */
const FAILURE_MS = 60_000;
/** A key that no longer verifies may be fetched again this soon after it was fetched (it may have been renewed). */
const REFRESH_AFTER_MS = 60_000;
/** How many certificate URLs are remembered at once. */
const MAX_ENTRIES = 16;

type Refused = ReturnType<typeof partnerCenterEventsErrors.certificateRefused>;
export type KeyError = Refused | WebhookCertificateError;
type Entry = { readonly at: number; readonly answer: Promise<Result<KeyObject, KeyError>> };

/**
 * Whether a certificate URL may be fetched: https, no credentials, and on Partner Center's configured origin or
 * Microsoft's documented certificate host. Anything else is refused before any request is made, so a delivery
 * cannot make Partner Cloud fetch a URL of its choosing.
 */
export function allowedCertificateUrl(
  given: string,
  allowedOrigins: readonly string[],
): Result<URL, Refused> {
  const refused = (why: string) => err(partnerCenterEventsErrors.certificateRefused(why));
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return refused("it is not an absolute URL");
  }
  if (url.protocol !== "https:") return refused("it is not https");
  if (url.username || url.password) return refused("it carries credentials");
  if (!allowedOrigins.includes(url.origin))
    return refused(`${url.origin} is neither Partner Center's origin nor Microsoft's certificate host`);
  return ok(url);
}

/**
 * The RSA public key in what a certificate URL served: an X.509 certificate (DER, PEM, or bare base64), or a PEM
 * public key (the emulator's). A certificate must be within its validity period and issued by Microsoft
 * Corporation, as Microsoft's guidance checks (its "Organization"); the chain is trusted through the HTTPS
 * connection to an allow-listed origin that served it.
 */
export function publicKeyIn(bytes: Uint8Array, now: Date): Result<KeyObject, Refused> {
  const refused = (why: string) => err(partnerCenterEventsErrors.certificateRefused(why));
  const text = Buffer.from(bytes).toString("latin1").trim();
  let key: KeyObject;
  try {
    if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) key = createPublicKey(text);
    else {
      const der = text.includes("-----BEGIN CERTIFICATE-----")
        ? text
        : /^[A-Za-z0-9+/\s]+={0,2}$/.test(text)
          ? Buffer.from(text, "base64")
          : Buffer.from(bytes);
      const certificate = new X509Certificate(der);
      if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo))
        return refused(
          `the certificate is valid from ${certificate.validFrom} to ${certificate.validTo} only`,
        );
      if (!/^O=Microsoft Corporation$/m.test(certificate.issuer))
        return refused("the certificate was not issued by Microsoft Corporation");
      key = certificate.publicKey;
    }
  } catch {
    return refused("it serves neither a certificate nor a public key");
  }
  if (key.asymmetricKeyType !== "rsa") return refused("its key is not an RSA key");
  return ok(key);
}

/**
 * The keys of allow-listed certificate URLs, downloaded once and kept for an hour; concurrent deliveries naming
 * the same URL share one download, and a failure is remembered for a minute so a flood of deliveries cannot make
 * Partner Cloud hammer Microsoft's host.
 */
export function createCertificateKeys(deps: { partnerCenter: ConnectedPartnerCenter; clock: Clock }) {
  const allowedOrigins = [new URL(deps.partnerCenter.baseUrl).origin, MICROSOFT_CERTIFICATE_ORIGIN];
  const entries = new Map<string, Entry>();
  const now = () => deps.clock.now().getTime();

  async function fetchKey(url: URL): Promise<Result<KeyObject, KeyError>> {
    const bytes = await deps.partnerCenter.certificates.download(url);
    return bytes.ok ? publicKeyIn(bytes.value, deps.clock.now()) : bytes;
  }

  function load(url: URL): Entry {
    const entry: Entry = { at: now(), answer: fetchKey(url) };
    entries.delete(url.href);
    entries.set(url.href, entry);
    for (const oldest of entries.keys()) {
      if (entries.size <= MAX_ENTRIES) break;
      entries.delete(oldest);
    }
    return entry;
  }

  async function fresh(url: URL): Promise<Entry> {
    const entry = entries.get(url.href);
    if (!entry) return load(url);
    const age = now() - entry.at;
    const answer = await entry.answer;
    return age > (answer.ok ? KEEP_MS : FAILURE_MS) ? load(url) : entry;
  }

  return {
    allowedOrigins,
    /** The key at an allow-listed URL (see `allowedCertificateUrl`). */
    async keyAt(url: URL): Promise<Result<KeyObject, KeyError>> {
      return (await fresh(url)).answer;
    },
    /**
     * A key fetched again after it failed to verify a signature, when it was fetched long enough ago for Microsoft
     * to have renewed it; null when it is too recent to ask again.
     */
    async renewedKeyAt(url: URL): Promise<Result<KeyObject, KeyError> | null> {
      const entry = entries.get(url.href);
      if (entry && now() - entry.at < REFRESH_AFTER_MS) return null;
      return load(url).answer;
    },
  };
}
