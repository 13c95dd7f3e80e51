import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sha256 } from "../src/platform/crypto.ts";
import { backends } from "./support/databases.ts";
import {
  createHarness,
  must,
  PASSWORD,
  passwordHash,
  type Auth,
  type Harness,
  type Response,
} from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";

/** S4: sessions (ASVS V7) and API tokens, on a fake clock. */

const COOKIE = "__Host-pc_session";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const anonymous: Auth = { kind: "anonymous" };

type ErrorBody = { error: { code: string; message: string } };
type SessionBody = {
  user: { id: string; email: string };
  csrfToken: string;
  expiresAt: string;
  idleExpiresAt: string;
};

function setCookies(res: Response): string[] {
  const raw = res.headers["set-cookie"];
  return (Array.isArray(raw) ? raw : [raw]).filter((c): c is string => typeof c === "string");
}

/** The session cookie a response sets: its value and its attributes, lower-cased by name. */
function sessionCookie(res: Response): { value: string; attrs: Map<string, string> } | null {
  const line = setCookies(res).find((c) => c.startsWith(`${COOKIE}=`));
  if (!line) return null;
  const [pair = "", ...rest] = line.split(";").map((p) => p.trim());
  const attrs = new Map(
    rest.map((a) => {
      const eq = a.indexOf("=");
      return eq < 0 ? [a.toLowerCase(), ""] : [a.slice(0, eq).toLowerCase(), a.slice(eq + 1)];
    }),
  );
  return { value: decodeURIComponent(pair.slice(COOKIE.length + 1)), attrs };
}

const code = (res: Response) => (res.json() as ErrorBody).error.code;

for (const backend of backends()) {
  void describe(`sessions and API tokens on ${backend.name}`, () => {
    let h: Harness;
    let w: World;

    before(async () => {
      h = await createHarness(await backend.open());
      w = await createWorld(h);
    });
    after(async () => {
      await h.close();
      await h.database.close();
    });

    const signIn = (email: string, password = PASSWORD, headers: Record<string, string> = {}) =>
      h.request(anonymous, "POST", "/api/v1/auth/login", { email, password }, headers);

    /** Signs in through the API and returns the session as the browser would hold it. */
    async function session(email: string, password = PASSWORD): Promise<Auth & { kind: "session" }> {
      const res = await signIn(email, password);
      assert.equal(res.status, 200, res.body);
      const cookie = sessionCookie(res);
      assert.ok(cookie, "sign-in sets the session cookie");
      return { kind: "session", secret: cookie.value, csrf: (res.json() as SessionBody).csrfToken };
    }

    const whoAmI = (auth: Auth) => h.request(auth, "GET", "/api/v1/auth/session");

    /** A member of organization A of its own, so no other test's sessions or tokens get in the way. */
    async function newMember(name: string): Promise<{ id: string; email: string }> {
      const email = `${name}@a.test`;
      const u = must(
        await h.modules.tenancy.users.provision(w.operator, {
          orgId: w.orgA.id,
          email,
          name,
          orgRole: "member",
          passwordHash,
        }),
      );
      return { id: u.id, email };
    }

    async function dumpDatabase(): Promise<string> {
      const tables = await h.database.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
      );
      const lines: string[] = [];
      for (const t of tables.rows) {
        const name = String(t["table_name"]);
        for (const row of (await h.database.query(`SELECT t::text AS row FROM "${name}" t`)).rows)
          lines.push(`${name}: ${String(row["row"])}`);
      }
      assert.ok(lines.length > 0);
      return lines.join("\n");
    }

    void test("sign-in sets a __Host- cookie that is Secure, HttpOnly, SameSite=Strict, Path=/ and host-only", async () => {
      const res = await signIn("user@a.test");
      assert.equal(res.status, 200);
      const cookie = sessionCookie(res);
      assert.ok(cookie, `no ${COOKIE} in ${JSON.stringify(setCookies(res))}`);
      assert.match(cookie.value, /^pcs_[A-Za-z0-9_-]{43}$/, "the cookie holds a 256-bit secret");
      assert.ok(cookie.attrs.has("secure"));
      assert.ok(cookie.attrs.has("httponly"));
      assert.equal(cookie.attrs.get("samesite")?.toLowerCase(), "strict");
      assert.equal(cookie.attrs.get("path"), "/");
      assert.equal(cookie.attrs.has("domain"), false, "a __Host- cookie must not name a Domain");
      const body = res.json() as SessionBody;
      assert.equal(
        new Date(cookie.attrs.get("expires") ?? "").getTime(),
        new Date(body.expiresAt).getTime(),
        "the cookie dies with the session",
      );
    });

    void test("each sign-in gets a new session secret and CSRF token, even when the browser already holds a session", async () => {
      const first = await signIn("user@a.test");
      const second = await signIn("user@a.test");
      const firstCookie = sessionCookie(first)?.value ?? "";
      const third = await signIn("user@a.test", PASSWORD, { cookie: `${COOKIE}=${firstCookie}` });
      const secrets = [first, second, third].map((r) => sessionCookie(r)?.value);
      const csrfs = [first, second, third].map((r) => (r.json() as SessionBody).csrfToken);
      assert.equal(new Set(secrets).size, 3, "three sign-ins, three secrets");
      assert.equal(new Set(csrfs).size, 3, "three sign-ins, three CSRF tokens");
      assert.ok(!secrets.includes(undefined));
    });

    void test("a wrong password and an unknown e-mail get the same 401 invalid_credentials, and no cookie", async () => {
      const wrong = await signIn("user@a.test", "not the password at all");
      const unknown = await signIn("nobody@a.test", PASSWORD);
      for (const res of [wrong, unknown]) {
        assert.equal(res.status, 401);
        assert.equal(code(res), "invalid_credentials");
        assert.equal(sessionCookie(res), null);
      }
      assert.equal(
        (wrong.json() as ErrorBody).error.message,
        (unknown.json() as ErrorBody).error.message,
        "the answer does not tell which",
      );
    });

    void test("the session body names the user and the CSRF token but never carries the password hash", async () => {
      const login = await signIn("author@a.test");
      const auth = {
        kind: "session",
        secret: sessionCookie(login)?.value ?? "",
        csrf: (login.json() as SessionBody).csrfToken,
      } as const;
      const current = await whoAmI(auth);
      assert.equal(current.status, 200);
      const stored = await h.modules.tenancy.users.passwordHashOf(w.ids.wsAuthor);
      assert.ok(stored);
      for (const res of [login, current]) {
        const body = res.json() as SessionBody;
        assert.equal(body.user.id, w.ids.wsAuthor);
        assert.equal(body.user.email, "author@a.test");
        assert.equal(body.csrfToken, auth.csrf);
        assert.ok(!res.body.includes(stored), "the hash itself");
        assert.ok(!/scrypt\$/.test(res.body), "any scrypt hash");
        assert.ok(!/password/i.test(res.body), "any password field");
      }
    });

    void test("after sign-out the old cookie gets 401, and the response clears the cookie", async () => {
      const s = await session("user@a.test");
      assert.equal((await whoAmI(s)).status, 200);
      const out = await h.request(s, "POST", "/api/v1/auth/logout");
      assert.equal(out.status, 204);
      const cleared = sessionCookie(out);
      assert.ok(cleared, "sign-out sends a cookie that replaces the session cookie");
      assert.equal(cleared.value, "");
      assert.ok(
        new Date(cleared.attrs.get("expires") ?? "").getTime() <= h.clock.now().getTime() ||
          cleared.attrs.get("max-age") === "0",
      );
      for (const [method, url] of [
        ["GET", "/api/v1/auth/session"],
        ["GET", "/api/v1/me/contexts"],
        ["POST", "/api/v1/me/tokens"],
      ] as const) {
        const res = await h.request(
          s,
          method,
          url,
          method === "POST" ? { name: "after logout", scope: "read" } : undefined,
        );
        assert.equal(res.status, 401, `${method} ${url}`);
        assert.equal(code(res), "unauthenticated");
      }
    });

    void test("a session left alone for 30 minutes ends", async () => {
      const s = await session("user@a.test");
      h.clock.advance(30 * MINUTE - 1000);
      const almost = await session("user@a.test");
      h.clock.advance(1000);
      assert.equal((await whoAmI(s)).status, 401, "30 idle minutes");
      assert.equal((await whoAmI(almost)).status, 200, "a session one second younger is still alive");
    });

    void test("activity slides the idle timeout, and the session body reports the new deadline", async () => {
      const s = await session("user@a.test");
      let last = h.clock.now().getTime();
      for (let i = 0; i < 4; i++) {
        h.clock.advance(29 * MINUTE);
        const res = await whoAmI(s);
        assert.equal(res.status, 200, `after ${(i + 1) * 29} minutes of steady use`);
        const idle = new Date((res.json() as SessionBody).idleExpiresAt).getTime();
        assert.equal(idle, h.clock.now().getTime() + 30 * MINUTE);
        assert.ok(idle > last);
        last = idle;
      }
      h.clock.advance(30 * MINUTE);
      assert.equal((await whoAmI(s)).status, 401, "then 30 quiet minutes end it");
    });

    void test("a session ends 12 hours after sign-in however active it is", async () => {
      const s = await session("user@a.test");
      const started = h.clock.now().getTime();
      const first = (await whoAmI(s)).json() as SessionBody;
      assert.equal(new Date(first.expiresAt).getTime(), started + 12 * HOUR);
      for (let elapsed = 20 * MINUTE; elapsed < 12 * HOUR; elapsed += 20 * MINUTE) {
        h.clock.set(new Date(started + elapsed));
        const res = await whoAmI(s);
        assert.equal(res.status, 200, `${elapsed / MINUTE} minutes in`);
        const body = res.json() as SessionBody;
        assert.ok(
          new Date(body.idleExpiresAt) <= new Date(body.expiresAt),
          "the idle deadline never passes the absolute one",
        );
      }
      h.clock.set(new Date(started + 12 * HOUR - 1000));
      assert.equal((await whoAmI(s)).status, 200, "one second before the end");
      h.clock.set(new Date(started + 12 * HOUR));
      assert.equal((await whoAmI(s)).status, 401, "at 12 hours");
    });

    void test("disabling a user ends their sessions and stops their API tokens at once", async () => {
      const leaver = await newMember("leaver");
      const s1 = await session(leaver.email);
      const s2 = await session(leaver.email);
      const created = await h.request(s1, "POST", "/api/v1/me/tokens", { name: "cli", scope: "write" });
      assert.equal(created.status, 201);
      const token: Auth = { kind: "token", secret: (created.json() as { secret: string }).secret };
      for (const auth of [s1, s2, token])
        assert.equal((await h.request(auth, "GET", "/api/v1/me/contexts")).status, 200);

      const admin = await h.sessionFor(w.ids.orgAdmin);
      const disabled = await h.request(admin, "POST", `/api/v1/users/${leaver.id}/disable`);
      assert.equal(disabled.status, 200);
      assert.equal((disabled.json() as { status: string }).status, "disabled");

      for (const [who, auth] of [
        ["first session", s1],
        ["second session", s2],
        ["API token", token],
      ] as const) {
        assert.equal((await h.request(auth, "GET", "/api/v1/me/contexts")).status, 401, `${who} reads`);
        assert.equal(
          (await h.request(auth, "POST", "/api/v1/me/tokens", { name: "x", scope: "read" })).status,
          401,
          `${who} writes`,
        );
      }
      const again = await signIn(leaver.email);
      assert.equal(again.status, 403);
      assert.equal(code(again), "user_disabled");
      assert.equal(sessionCookie(again), null);

      assert.equal((await h.request(admin, "POST", `/api/v1/users/${leaver.id}/enable`)).status, 200);
      assert.equal(
        (await whoAmI(s1)).status,
        401,
        "enabling the user again does not revive the ended sessions",
      );
    });

    void test("changing the password ends the user's other sessions but not the one that changed it", async () => {
      const changer = await newMember("changer");
      const here = await session(changer.email);
      const elsewhere = await session(changer.email);
      const newPassword = "a brand new passphrase 42";
      const res = await h.request(here, "POST", "/api/v1/me/password", {
        currentPassword: PASSWORD,
        newPassword,
      });
      assert.equal(res.status, 204, res.body);
      assert.equal((await whoAmI(here)).status, 200, "the current session goes on");
      assert.equal((await whoAmI(elsewhere)).status, 401, "the other session ended");
      assert.equal((await signIn(changer.email, PASSWORD)).status, 401, "the old password no longer works");
      assert.equal((await signIn(changer.email, newPassword)).status, 200, "the new one does");
    });

    void test("changing the password needs the current one; a wrong one changes nothing and ends no session", async () => {
      const careful = await newMember("careful");
      const here = await session(careful.email);
      const elsewhere = await session(careful.email);
      const res = await h.request(here, "POST", "/api/v1/me/password", {
        currentPassword: "a guess at the password",
        newPassword: "hijacked password 1234",
      });
      assert.equal(res.status, 401);
      assert.equal(code(res), "invalid_credentials");
      assert.equal((await whoAmI(elsewhere)).status, 200);
      assert.equal((await signIn(careful.email, "hijacked password 1234")).status, 401);
    });

    /** Sign-in attempts from distinct client addresses, so only the per-e-mail limit can apply. */
    const signInFrom = async (ip: string, email: string, password: string) => {
      const res = await h.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        remoteAddress: ip,
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ email, password }),
      });
      return {
        status: res.statusCode,
        headers: res.headers,
        body: res.body,
        json: () => res.json<unknown>(),
      } satisfies Response;
    };

    void test("after 10 failed sign-ins for an e-mail, the 11th gets 429 with Retry-After even with the right password", async () => {
      const target = await newMember("guessed");
      for (let i = 1; i <= 10; i++) {
        const res = await signInFrom(`10.0.0.${i}`, target.email, `wrong password ${i}`);
        assert.equal(res.status, 401, `attempt ${i}`);
      }
      for (const password of [PASSWORD, "wrong password 11"]) {
        const res = await signInFrom("10.0.1.1", target.email.toUpperCase(), password);
        assert.equal(res.status, 429, `with ${password === PASSWORD ? "the right" : "a wrong"} password`);
        assert.equal(code(res), "too_many_attempts");
        const retryAfter = Number(res.headers["retry-after"]);
        assert.ok(
          Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60,
          `Retry-After: ${String(res.headers["retry-after"])}`,
        );
        assert.equal(sessionCookie(res), null);
      }
      const other = await signInFrom("10.0.1.2", "author@a.test", PASSWORD);
      assert.equal(other.status, 200, "another e-mail from another address is not locked out");
    });

    void test("the sign-in limit clears once the 15-minute window has passed", async () => {
      const target = await newMember("patient");
      for (let i = 1; i <= 10; i++)
        assert.equal((await signInFrom(`10.0.2.${i}`, target.email, `nope ${i}`)).status, 401);
      h.clock.advance(15 * MINUTE - 1000);
      assert.equal(
        (await signInFrom("10.0.3.1", target.email, PASSWORD)).status,
        429,
        "still inside the window",
      );
      h.clock.advance(1000);
      const res = await signInFrom("10.0.3.1", target.email, PASSWORD);
      assert.equal(res.status, 200, res.body);
      assert.ok(sessionCookie(res));
    });

    void test("a user holds at most 50 live API tokens: the 51st gets 409 token_limit, and revoking one makes room", async () => {
      const collector = await newMember("collector");
      const s = await h.sessionFor(collector.id);
      const ids: string[] = [];
      for (let i = 1; i <= 50; i++) {
        const res = await h.request(s, "POST", "/api/v1/me/tokens", { name: `token ${i}`, scope: "read" });
        assert.equal(res.status, 201, `token ${i}: ${res.body}`);
        ids.push((res.json() as { token: { id: string } }).token.id);
      }
      const over = await h.request(s, "POST", "/api/v1/me/tokens", { name: "token 51", scope: "read" });
      assert.equal(over.status, 409);
      assert.equal(code(over), "token_limit");
      assert.equal((await h.request(s, "DELETE", `/api/v1/me/tokens/${ids[0] ?? ""}`)).status, 204);
      assert.equal(
        (await h.request(s, "POST", "/api/v1/me/tokens", { name: "token 51", scope: "read" })).status,
        201,
      );
      assert.equal(
        (await h.request(s, "POST", "/api/v1/me/tokens", { name: "token 52", scope: "read" })).status,
        409,
      );
    });

    void test("expired API tokens do not count toward the limit of 50 live ones", async () => {
      const u = await newMember("expirer");
      for (let i = 1; i <= 50; i++)
        assert.equal(
          (
            await h.request(await h.sessionFor(u.id), "POST", "/api/v1/me/tokens", {
              name: `t${i}`,
              scope: "read",
              expiresInDays: 1,
            })
          ).status,
          201,
        );
      h.clock.advance(2 * 24 * HOUR);
      const res = await h.request(await h.sessionFor(u.id), "POST", "/api/v1/me/tokens", {
        name: "fresh",
        scope: "read",
      });
      assert.equal(res.status, 201, res.body);
    });

    void test("a token's secret is shown once at creation and never by the token list", async () => {
      const owner = await newMember("lister");
      const s = await h.sessionFor(owner.id);
      const res = await h.request(s, "POST", "/api/v1/me/tokens", {
        name: "deploy",
        scope: "write",
        expiresInDays: 30,
      });
      assert.equal(res.status, 201);
      const created = res.json() as { token: { id: string; prefix: string }; secret: string };
      assert.match(created.secret, /^pct_[A-Za-z0-9_-]{43}$/, "256 bits");
      assert.ok(
        created.secret.startsWith(created.token.prefix),
        "the prefix lets a person recognise the token",
      );
      assert.ok(!JSON.stringify(created.token).includes(created.secret));
      assert.equal(
        (await h.request({ kind: "token", secret: created.secret }, "GET", "/api/v1/me/contexts")).status,
        200,
        "the secret works",
      );

      for (const auth of [s, { kind: "token", secret: created.secret } as const]) {
        const list = await h.request(auth, "GET", "/api/v1/me/tokens");
        assert.equal(list.status, 200);
        const items = (list.json() as { items: Record<string, unknown>[] }).items;
        assert.deepEqual(
          items.map((t) => t["id"]),
          [created.token.id],
        );
        assert.ok(!list.body.includes(created.secret), "not the secret");
        assert.ok(!list.body.includes(sha256(created.secret)), "not its hash either");
        assert.deepEqual(Object.keys(items[0] ?? {}).sort(), [
          "createdAt",
          "expiresAt",
          "id",
          "lastUsedAt",
          "name",
          "prefix",
          "revokedAt",
          "scope",
        ]);
      }
    });

    void test("the database holds only the SHA-256 of API token and session secrets, in no column the raw secret", async () => {
      const owner = await newMember("hasher");
      const s = await session(owner.email);
      const res = await h.request(s, "POST", "/api/v1/me/tokens", { name: "ci", scope: "read" });
      const secret = (res.json() as { secret: string }).secret;
      assert.equal((await h.request({ kind: "token", secret }, "GET", "/api/v1/me/tokens")).status, 200);

      const dump = await dumpDatabase();
      assert.ok(!dump.includes(secret), "the API token secret is nowhere in the database");
      assert.ok(!dump.includes(s.secret), "the session secret is nowhere in the database");
      const token = await h.database.query("SELECT token_hash FROM api_tokens WHERE token_hash = $1", [
        sha256(secret),
      ]);
      assert.equal(token.rows.length, 1, "api_tokens.token_hash is the SHA-256 of the secret");
      const sess = await h.database.query("SELECT user_id FROM sessions WHERE token_hash = $1", [
        sha256(s.secret),
      ]);
      assert.deepEqual(
        sess.rows,
        [{ user_id: owner.id }],
        "sessions.token_hash is the SHA-256 of the cookie",
      );
    });

    void test("a revoked token gets 401 at once", async () => {
      const owner = await newMember("revoker");
      const s = await h.sessionFor(owner.id);
      const created = (
        await h.request(s, "POST", "/api/v1/me/tokens", { name: "short", scope: "write" })
      ).json() as {
        token: { id: string };
        secret: string;
      };
      const token: Auth = { kind: "token", secret: created.secret };
      assert.equal((await h.request(token, "GET", "/api/v1/me/tokens")).status, 200);
      assert.equal((await h.request(s, "DELETE", `/api/v1/me/tokens/${created.token.id}`)).status, 204);
      assert.equal((await h.request(token, "GET", "/api/v1/me/tokens")).status, 401);
    });
  });
}
