const CENSOR = "[redacted]";

/** Header names whose values are credentials. */
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "ocp-apim-subscription-key",
  "ms-continuationtoken",
]);

/** Query or form parameter names whose values are credentials (OAuth 2.0, SAS signatures, our own APIs). */
const SECRET_PARAM = /(pass(word)?|secret|token|assertion|code|sig|key|credential)/i;

/** A header map safe to log: credential values replaced, everything else kept for troubleshooting. */
export function redactHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => [name, SECRET_HEADERS.has(name.toLowerCase()) ? CENSOR : value]),
  );
}

/** A URL safe to log: user info dropped and credential-like query parameters replaced. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return CENSOR;
  }
  parsed.username = "";
  parsed.password = "";
  for (const name of [...parsed.searchParams.keys()])
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, CENSOR);
  return parsed.toString();
}
