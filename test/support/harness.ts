import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DestinationStream } from "pino";
import { parseConfig, type Config } from "../../src/platform/config.ts";
import { fakeClock } from "../../src/platform/clock.ts";
import type { Database } from "../../src/platform/db/open-database.ts";
import { hashPassword } from "../../src/platform/crypto.ts";
import { createHttpApp, createModules, type Modules } from "../../src/main/runtime.ts";
import type { Integrations } from "../../src/main/microsoft.ts";
import type { App } from "../../src/api/context.ts";
import type { Caller } from "../../src/modules/tenancy/index.ts";

export const PASSWORD = "correct horse battery staple";
export const passwordHash = await hashPassword(PASSWORD);

export type Response = {
  status: number;
  json: () => unknown;
  body: string;
  headers: Record<string, unknown>;
};

/** How a test request authenticates: nobody, a session (cookie + CSRF token), or a bearer token. */
export type Auth =
  | { kind: "anonymous" }
  | { kind: "session"; secret: string; csrf: string }
  | { kind: "token"; secret: string };

export type Harness = Awaited<ReturnType<typeof createHarness>>;

/** The real API on a real database, driven in-process with inject(); time is a fake clock. */
export async function createHarness(
  database: Database,
  env: Record<string, string> = {},
  opts: {
    integrations?: Integrations;
    /** Turns the API's log on (at LOG_LEVEL) and sends its lines here, for tests that read them. */
    logStream?: DestinationStream;
  } = {},
) {
  const mailboxDir = await mkdtemp(path.join(os.tmpdir(), "pc-mailbox-"));
  const clock = fakeClock(new Date("2026-11-02T09:00:00Z"));
  const config: Config = parseConfig({
    DATA_DIR: ".tmp/unused",
    PUBLIC_URL: "http://localhost:8080",
    ...env,
  });
  const modules: Modules = createModules(database, config, clock, opts.integrations ?? null);
  const app: App = await createHttpApp(database, modules, config, {
    clock,
    mailboxDir,
    log: opts.logStream !== undefined,
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
  });
  const cookieName = "__Host-pc_session";

  async function request(
    auth: Auth,
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (auth.kind === "session") {
      h["cookie"] = `${cookieName}=${auth.secret}`;
      if (method !== "GET") h["x-csrf-token"] = auth.csrf;
    }
    if (auth.kind === "token") h["authorization"] = `Bearer ${auth.secret}`;
    const res = await app.inject({
      method,
      url,
      headers: body === undefined ? h : { "content-type": "application/json", ...h },
      ...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    return { status: res.statusCode, json: () => res.json(), body: res.body, headers: res.headers };
  }

  /** A fresh session for a user, without going through the password check. */
  async function sessionFor(userId: string): Promise<Auth> {
    const s = await modules.identity.sessions.start(userId, "test", {
      ip: "127.0.0.1",
      userAgent: "test",
      requestId: null,
    });
    return { kind: "session", secret: s.secret, csrf: s.session.csrfToken };
  }

  async function callerFor(userId: string): Promise<Caller> {
    const principal = await modules.tenancy.principalOf(userId);
    if (!principal) throw new Error(`no user ${userId}`);
    return { principal, actor: { userId, email: principal.email, kind: "user", requestId: "test" } };
  }

  return {
    app,
    clock,
    mailboxDir,
    config,
    modules,
    database,
    request,
    sessionFor,
    callerFor,
    async close() {
      await app.close();
    },
  };
}

export function must<T>(
  r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } },
): T {
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}
