import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Mailer, OutgoingMail } from "../src/integrations/mail/index.ts";
import { sha256 } from "../src/platform/crypto.ts";
import { backends } from "./support/databases.ts";
import { createHarness, type Auth, type Harness, type Response } from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";

/** S6: invitation tokens. */

const COOKIE = "__Host-pc_session";
const HOUR = 3_600_000;
const anonymous: Auth = { kind: "anonymous" };
const NEW_PASSWORD = "an invitee's own passphrase";

type ErrorBody = { error: { code: string } };
type Invitation = { id: string; status: string; email: string };
type Sent = { invitation: Invitation; mail: OutgoingMail; link: string; token: string };

/** The port to outgoing mail, recording what would have been sent. */
function recordingMailer(): Mailer & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    send: (mail) => {
      sent.push(mail);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

const code = (res: Response) => (res.json() as ErrorBody).error.code;

for (const backend of backends()) {
  void describe(`invitation tokens on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    const mailer = recordingMailer();
    let n = 0;

    before(async () => {
      h = await createHarness(await backend.open());
      w = await createWorld(h);
    });
    after(async () => {
      await h.close();
      await h.database.close();
    });

    /** A fresh org-admin session: tests move the clock, so an old one may have timed out. */
    const admin = () => h.sessionFor(w.ids.orgAdmin);

    /** Invites through the API as organization A's admin and fetches the link from the delivered mail. */
    async function invite(
      body: Record<string, unknown> = {},
      headers: Record<string, string> = {},
    ): Promise<Sent> {
      const email = `invitee${++n}@a.test`;
      const res = await h.request(
        await admin(),
        "POST",
        `/api/v1/organizations/${w.orgA.id}/invitations`,
        { email, orgRole: "member", ...body },
        headers,
      );
      assert.equal(res.status, 201, res.body);
      const invitation = res.json() as Invitation;
      assert.ok((await h.modules.notifications.deliverDue(mailer)) >= 1, "the invitation mail is sent");
      const mail = mailer.sent.find((m) => m.to.includes(email));
      assert.ok(mail, `a mail to ${email}`);
      const match = /(\S+#token=(\S+))/.exec(mail.text);
      assert.ok(match?.[1] && match[2], `a link in: ${mail.text}`);
      return { invitation, mail, link: match[1], token: match[2] };
    }

    const preview = (token: string) =>
      h.request(anonymous, "GET", `/api/v1/invitations/preview?token=${encodeURIComponent(token)}`);
    const accept = (token: string, name = "Invitee") =>
      h.request(anonymous, "POST", "/api/v1/invitations/accept", { token, name, password: NEW_PASSWORD });

    /** Every row of every table in the public schema, as text, with its table's name. */
    async function dumpDatabase(): Promise<[table: string, row: string][]> {
      const tables = await h.database.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
      );
      const rows: [string, string][] = [];
      for (const t of tables.rows) {
        const name = String(t["table_name"]);
        for (const row of (await h.database.query(`SELECT t::text AS row FROM "${name}" t`)).rows)
          rows.push([name, String(row["row"])]);
      }
      assert.ok(
        rows.some(([t]) => t === "invitations"),
        "the dump covers the invitations table",
      );
      return rows;
    }

    void test("an invitation token carries 256 random bits, and no two invitations share one", async () => {
      const a = await invite();
      const b = await invite();
      for (const { token } of [a, b])
        assert.match(
          token,
          /^pci_[A-Za-z0-9_-]{43}$/,
          "43 base64url characters are 258 bits, of which 256 are random",
        );
      assert.notEqual(a.token, b.token);
      const body = JSON.stringify(a.invitation);
      assert.ok(!body.includes(a.token), "the API answer to the admin does not carry the token");
    });

    void test("the link in the mail uses the configured public URL, even when the request names another host", async () => {
      const sent = await invite(
        {},
        { host: "evil.test", "x-forwarded-host": "evil.test", "x-forwarded-proto": "https" },
      );
      assert.equal(sent.link, `http://localhost:8080/invite#token=${sent.token}`);
      assert.ok(!sent.mail.text.includes("evil.test"));
      assert.ok(
        !sent.link.includes("?"),
        "the token travels in the fragment, which no server and no Referer sees",
      );
    });

    void test("the invitations table keeps only the SHA-256 of the token", async () => {
      const sent = await invite();
      const rows = await h.database.query("SELECT token_hash FROM invitations WHERE id = $1", [
        sent.invitation.id,
      ]);
      assert.deepEqual(rows.rows, [{ token_hash: sha256(sent.token) }]);
      const tableText = (await h.database.query("SELECT t::text AS row FROM invitations t")).rows
        .map((r) => String(r["row"]))
        .join("\n");
      assert.ok(!tableText.includes(sent.token));
    });

    void test("once the mail is sent, no table of the database holds the raw token", async () => {
      const sent = await invite();
      const holding = (await dumpDatabase())
        .filter(([, row]) => row.includes(sent.token))
        .map(([table]) => table);
      assert.deepEqual(holding, []);
    });

    void test("a preview shows the organization and the e-mail, needs no sign-in, and does not use the invitation up", async () => {
      const sent = await invite();
      for (let i = 0; i < 3; i++) {
        const res = await preview(sent.token);
        assert.equal(res.status, 200, res.body);
        const body = res.json() as { organizationName: string; email: string; expiresAt: string };
        assert.equal(body.organizationName, "Org A");
        assert.equal(body.email, sent.invitation.email);
        assert.equal(new Date(body.expiresAt).getTime(), h.clock.now().getTime() + 168 * HOUR);
      }
      assert.equal((await accept(sent.token)).status, 201);
    });

    void test("accepting creates the user, their personal workspace and the invited membership, and signs them in", async () => {
      const sent = await invite({ orgRole: "member", workspaceId: w.ws1.id, workspaceRole: "author" });
      const res = await accept(sent.token, "Grace Hopper");
      assert.equal(res.status, 201, res.body);
      const body = res.json() as {
        user: { id: string; email: string; orgId: string; orgRole: string; name: string };
        csrfToken: string;
      };
      assert.equal(body.user.email, sent.invitation.email);
      assert.equal(body.user.orgId, w.orgA.id);
      assert.equal(body.user.orgRole, "member");
      assert.equal(body.user.name, "Grace Hopper");

      const raw = res.headers["set-cookie"];
      const line = (Array.isArray(raw) ? raw : [raw])
        .filter((c): c is string => typeof c === "string")
        .find((c) => c.startsWith(`${COOKIE}=`));
      assert.ok(line, "a session cookie is set");
      assert.match(line, /;\s*Secure/i);
      assert.match(line, /;\s*HttpOnly/i);
      assert.match(line, /;\s*SameSite=Strict/i);
      const session: Auth = {
        kind: "session",
        secret: decodeURIComponent(line.split(";")[0]?.slice(COOKIE.length + 1) ?? ""),
        csrf: body.csrfToken,
      };
      const me = await h.request(session, "GET", "/api/v1/auth/session");
      assert.equal(me.status, 200);
      assert.equal((me.json() as { user: { id: string } }).user.id, body.user.id);

      const contexts = (await h.request(session, "GET", "/api/v1/me/contexts")).json() as {
        workspaces: { id: string; kind: string; role: string; ownerUserId?: string | null }[];
      };
      const personal = contexts.workspaces.filter((x) => x.kind === "personal");
      assert.equal(personal.length, 1, "one personal workspace");
      assert.ok(
        contexts.workspaces.some((x) => x.id === w.ws1.id && x.role === "author"),
        JSON.stringify(contexts.workspaces),
      );
      const owned = await h.database.query("SELECT kind FROM workspaces WHERE owner_user_id = $1", [
        body.user.id,
      ]);
      assert.deepEqual(owned.rows, [{ kind: "personal" }]);

      const members = (
        await h.request(await admin(), "GET", `/api/v1/workspaces/${w.ws1.id}/members?limit=200`)
      ).json() as {
        items: { userId: string; role: string }[];
      };
      assert.deepEqual(
        members.items.filter((m) => m.userId === body.user.id).map((m) => m.role),
        ["author"],
      );
      const list = (
        await h.request(await admin(), "GET", `/api/v1/organizations/${w.orgA.id}/invitations?limit=200`)
      ).json() as { items: Invitation[] };
      assert.equal(list.items.find((i) => i.id === sent.invitation.id)?.status, "accepted");
    });

    void test("an invitation works once: a second accept gets 410 invitation_invalid and creates nothing", async () => {
      const sent = await invite();
      assert.equal((await accept(sent.token, "First")).status, 201);
      const users = async () =>
        (await h.database.query("SELECT count(*)::int AS n FROM users")).rows[0]?.["n"];
      const before = await users();
      const again = await accept(sent.token, "Second");
      assert.equal(again.status, 410);
      assert.equal(code(again), "invitation_invalid");
      assert.equal(again.headers["set-cookie"], undefined);
      assert.equal(await users(), before);
      assert.equal((await preview(sent.token)).status, 410);
    });

    void test("two accepts of one invitation at the same time create one user", async () => {
      const sent = await invite();
      const results = await Promise.all([accept(sent.token, "Racer one"), accept(sent.token, "Racer two")]);
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 410]);
      const rows = await h.database.query("SELECT count(*)::int AS n FROM users WHERE email = $1", [
        sent.invitation.email,
      ]);
      assert.equal(rows.rows[0]?.["n"], 1);
    });

    void test("a revoked invitation gets 410", async () => {
      const sent = await invite();
      const del = await h.request(await admin(), "DELETE", `/api/v1/invitations/${sent.invitation.id}`);
      assert.equal(del.status, 204);
      for (const res of [await preview(sent.token), await accept(sent.token)]) {
        assert.equal(res.status, 410);
        assert.equal(code(res), "invitation_invalid");
      }
    });

    void test("a wrong or altered token gets 410, and a token of another kind is refused", async () => {
      const sent = await invite();
      const last = sent.token.at(-1) === "A" ? "B" : "A";
      const altered = `${sent.token.slice(0, -1)}${last}`;
      for (const res of [await preview(altered), await accept(altered)]) assert.equal(res.status, 410);
      const caller = await h.callerFor(w.ids.orgAdmin);
      const apiToken = await h.modules.identity.tokens.create(
        { userId: w.ids.orgAdmin, orgId: w.orgA.id, actor: caller.actor },
        { name: "x", scope: "read" },
      );
      assert.ok(apiToken.ok);
      const session = await h.sessionFor(w.ids.orgAdmin);
      for (const other of [apiToken.value.secret, session.kind === "session" ? session.secret : ""]) {
        const res = await accept(other);
        assert.ok(res.status === 400 || res.status === 410, `${other.slice(0, 4)}…: ${res.status}`);
      }
      const asBearer = await h.request({ kind: "token", secret: sent.token }, "GET", "/api/v1/me/contexts");
      assert.equal(asBearer.status, 401, "an invitation token is not an API token");
      const asCookie = await h.request(
        { kind: "session", secret: sent.token, csrf: "" },
        "GET",
        "/api/v1/auth/session",
      );
      assert.equal(asCookie.status, 401, "nor a session");
      assert.equal((await accept(sent.token)).status, 201, "the real token still works");
    });

    void test("inviting an e-mail that already has an account gets 409 email_taken, whatever its case", async () => {
      for (const email of ["user@a.test", "USER@A.test", "admin@b.test"]) {
        const res = await h.request(await admin(), "POST", `/api/v1/organizations/${w.orgA.id}/invitations`, {
          email,
          orgRole: "member",
        });
        assert.equal(res.status, 409, email);
        assert.equal(code(res), "email_taken");
      }
    });

    void test("the invitation landing page and the invitation API send Referrer-Policy: no-referrer", async () => {
      const sent = await invite();
      const responses = [
        await h.request(anonymous, "GET", "/invite"),
        await preview(sent.token),
        await preview(`pci_${"x".repeat(43)}`),
        await accept(sent.token),
      ];
      for (const res of responses) assert.equal(res.headers["referrer-policy"], "no-referrer");
    });

    void test("20 wrong invitation tokens from one client lead to 429", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++)
        statuses.push((await preview(`pci_${String(i).padStart(43, "z")}`)).status);
      assert.equal(statuses.at(-1), 429);
    });

    // Moves the clock by a week: keep it last.
    void test("an invitation expires after 168 hours: before that it works, after it gets 410", async () => {
      const early = await invite();
      const late = await invite();
      h.clock.advance(168 * HOUR - 1000);
      assert.equal((await preview(early.token)).status, 200);
      assert.equal((await accept(early.token)).status, 201, "one second before the end");
      h.clock.advance(1000);
      for (const res of [await preview(late.token), await accept(late.token)]) {
        assert.equal(res.status, 410);
        assert.equal(code(res), "invitation_invalid");
      }
      const list = (
        await h.request(await admin(), "GET", `/api/v1/organizations/${w.orgA.id}/invitations?limit=200`)
      ).json() as { items: Invitation[] };
      assert.equal(list.items.find((i) => i.id === late.invitation.id)?.status, "expired");
    });
  });
}
