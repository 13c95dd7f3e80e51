/** A header map as the HTTP client returns it: lower-case names, one string per header. */
export type ResponseHeaders = Readonly<Record<string, string>>;

const MAX_DELAY_MS = 24 * 3_600_000;

function milliseconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.min(Math.ceil(Number(value)), MAX_DELAY_MS);
}

/**
 * How long the server asked us to wait before trying again, in milliseconds, or undefined when it did not say.
 * Azure services send `retry-after-ms` / `x-ms-retry-after-ms` (milliseconds) next to `Retry-After`; the more
 * precise one wins. `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); a date in the
 * past means "now".
 */
export function retryAfterMs(headers: ResponseHeaders, now: Date): number | undefined {
  const precise = milliseconds(headers["retry-after-ms"]) ?? milliseconds(headers["x-ms-retry-after-ms"]);
  if (precise !== undefined) return precise;
  const value = headers["retry-after"]?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_DELAY_MS);
  // Only the IMF-fixdate form servers must send (and the obsolete forms Date.parse also reads) counts as a date.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now.getTime()), MAX_DELAY_MS);
}
