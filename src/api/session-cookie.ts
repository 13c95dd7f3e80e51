import type { FastifyReply } from "fastify";
import type { Config } from "../platform/config.ts";

/**
 * The session cookie: `__Host-` prefixed, Secure, HttpOnly, SameSite=Strict, host-only, path /. Browsers treat
 * http://localhost as a secure context, so the same cookie works on a laptop; a plain-http public URL on another
 * host cannot hold a Secure cookie, and gets an unprefixed one instead (the start-up log warns about it).
 */
export function cookieSettings(config: Config): { name: string; secure: boolean } {
  const url = new URL(config.publicUrl);
  const secure = url.protocol === "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  return { name: secure ? "__Host-pc_session" : "pc_session", secure };
}

export function setSessionCookie(reply: FastifyReply, config: Config, secret: string, expiresAt: Date): void {
  const c = cookieSettings(config);
  void reply.setCookie(c.name, secret, {
    path: "/",
    httpOnly: true,
    secure: c.secure,
    sameSite: "strict",
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  const c = cookieSettings(config);
  void reply.clearCookie(c.name, { path: "/", httpOnly: true, secure: c.secure, sameSite: "strict" });
}
