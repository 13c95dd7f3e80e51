import type { FastifyReply, FastifyRequest } from "fastify";

/** The value of one cookie the browser sent, if any. */
export function cookieOf(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Adds a Set-Cookie header: always HttpOnly, Secure and SameSite=Lax, so a cookie reaches the emulator on a
 * top-level redirect back from an application but never on another site's form post or script request.
 */
export function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  opts: { path: string; maxAgeSeconds?: number },
) {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${opts.path}`,
    "HttpOnly",
    "Secure",
    "SameSite=Lax",
  ];
  if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${opts.maxAgeSeconds}`);
  const existing = reply.getHeader("set-cookie");
  const list = Array.isArray(existing) ? existing : typeof existing === "string" ? [existing] : [];
  void reply.header("set-cookie", [...list, parts.join("; ")]);
}

export const clearCookie = (reply: FastifyReply, name: string, path: string) =>
  setCookie(reply, name, "", { path, maxAgeSeconds: 0 });
