import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Mailer, OutgoingMail } from "../src/integrations/mail/index.ts";
import { backends } from "./support/databases.ts";
import { createHarness, must, type Auth, type Harness, type Response } from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";

/** S5: cross-site request forgery, and a sweep proving that no GET route changes the database. */

const COOKIE = "__Host-pc_session";
type Method = "POST" | "PUT" | "PATCH" | "DELETE";
type ErrorBody = { error: { code: string } };

/** A hash of the content of every table in the public schema. */
async function snapshot(h: Harness): Promise<Record<string, string>> {
  const tables = await h.database.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const out: Record<string, string> = {};
  for (const t of tables.rows) {
    const name = String(t["table_name"]);
    const r = await h.database.query(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, ',' ORDER BY t::text)) AS hash FROM "${name}" t`,
    );
    out[name] = `${String(r.rows[0]?.["n"])} rows, ${String(r.rows[0]?.["hash"])}`;
  }
  return out;
}

for (const backend of backends()) {
  void describe(`CSRF defences on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    let admin: Auth & { kind: "session" };
    let writeToken: string;
    let invitationToken: string;
    let webhookId: string;

    before(async () => {
      h = await createHarness(await backend.open(), {
        SECRETS_KEYS: `k1:${Buffer.alloc(32, 5).toString("base64")}`,
      });
      w = await createWorld(h);
      const s = await h.sessionFor(w.ids.orgAdmin);
      assert.equal(s.kind, "session");
      if (s.kind !== "session") throw new Error("expected a session");
      admin = s;
      const caller = await h.callerFor(w.ids.orgAdmin);
      writeToken = must(
        await h.modules.identity.tokens.create(
          { userId: w.ids.orgAdmin, orgId: w.orgA.id, actor: caller.actor },
          { name: "write", scope: "write" },
        ),
      ).secret;
      // A pending invitation, so the preview route is swept with a token that works.
      must(
        await h.modules.tenancy.invitations.create(w.operator, w.orgA.id, {
          email: "pending@a.test",
          orgRole: "member",
        }),
      );
      const sent: OutgoingMail[] = [];
      const mailer: Mailer = {
        send: (m) => {
          sent.push(m);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      };
      await h.modules.notifications.deliverDue(mailer);
      invitationToken = /#token=(pci_[A-Za-z0-9_-]{43})/.exec(sent[0]?.text ?? "")?.[1] ?? "";
      assert.ok(invitationToken, "the invitation mail carries a token");
      // A webhook with a delivery, so reading it and its deliveries is swept on real rows.
      const hook = must(
        await h.modules.webhooks.endpoints.create(w.operator, w.orgA.id, {
          url: "https://hooks.a.test/in",
          eventTypes: ["*"],
        }),
      );
      must(await h.modules.webhooks.endpoints.sendTest(w.operator, hook.id));
      webhookId = hook.id;
    });
    after(async () => {
      await h.close();
      await h.database.close();
    });

    /** A request with exactly the headers given: no CSRF token is added for us. */
    async function raw(
      method: Method | "GET",
      url: string,
      headers: Record<string, string>,
      body?: unknown,
    ): Promise<Response> {
      const res = await h.app.inject({
        method,
        url,
        headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return {
        status: res.statusCode,
        json: () => res.json<unknown>(),
        body: res.body,
        headers: res.headers,
      };
    }

    const cookie = () => ({ cookie: `${COOKIE}=${admin.secret}` });

    /** One state-changing request per method, each harmless to repeat once it is let through. */
    const changes = (): { method: Method; url: string; body?: unknown }[] => [
      { method: "POST", url: `/api/v1/organizations/${w.orgA.id}/cost-centers`, body: { name: "Forged" } },
      { method: "PUT", url: `/api/v1/me/favorites/${w.ws1.id}` },
      { method: "PATCH", url: `/api/v1/organizations/${w.orgA.id}`, body: { name: "Forged name" } },
      { method: "DELETE", url: `/api/v1/me/favorites/${w.ws2.id}` },
    ];

    let otherCsrf = "";
    const attacks: [string, () => Record<string, string>][] = [
      ["without x-csrf-token", () => cookie()],
      ["with an empty x-csrf-token", () => ({ ...cookie(), "x-csrf-token": "" })],
      ["with a wrong x-csrf-token", () => ({ ...cookie(), "x-csrf-token": "A".repeat(admin.csrf.length) })],
      ["with a CSRF token of another session", () => ({ ...cookie(), "x-csrf-token": otherCsrf })],
      [
        "with Sec-Fetch-Site: cross-site, even with the right token",
        () => ({ ...cookie(), "x-csrf-token": admin.csrf, "sec-fetch-site": "cross-site" }),
      ],
      [
        "from Origin https://evil.test, even with the right token",
        () => ({ ...cookie(), "x-csrf-token": admin.csrf, origin: "https://evil.test" }),
      ],
      [
        "from an origin that only looks like the console's, even with the right token",
        () => ({ ...cookie(), "x-csrf-token": admin.csrf, origin: "http://localhost:8080.evil.test" }),
      ],
    ];
    void test("every forged state-changing request with the session cookie gets 403 csrf_rejected and changes nothing", async () => {
      const other = await h.sessionFor(w.ids.wsAdmin);
      otherCsrf = other.kind === "session" ? other.csrf : "";
      const before = await snapshot(h);
      const wrong: string[] = [];
      for (const [name, headers] of attacks)
        for (const c of changes()) {
          const res = await raw(c.method, c.url, headers(), c.body);
          const got = res.status === 403 ? (res.json() as ErrorBody).error.code : String(res.status);
          if (got !== "csrf_rejected")
            wrong.push(`${c.method} ${c.url} ${name}: ${got} ${res.body.slice(0, 120)}`);
        }
      assert.deepEqual(wrong, []);
      assert.deepEqual(await snapshot(h), before, "no forged request left a trace");
    });

    void test("the same requests succeed with the session's own token, from the console's origin or the same site", async () => {
      const variants: Record<string, string>[] = [
        { "x-csrf-token": admin.csrf },
        { "x-csrf-token": admin.csrf, origin: "http://localhost:8080", "sec-fetch-site": "same-origin" },
      ];
      for (const [i, extra] of variants.entries())
        for (const c of changes()) {
          const body = c.method === "POST" ? { name: `Allowed ${i}` } : c.body;
          const res = await raw(c.method, c.url, { ...cookie(), ...extra }, body);
          assert.ok(
            res.status >= 200 && res.status < 300,
            `${c.method} ${c.url} with ${JSON.stringify(extra)}: ${res.status} ${res.body}`,
          );
        }
    });

    void test("with a bearer API token no CSRF token is needed", async () => {
      for (const c of changes()) {
        const body = c.method === "POST" ? { name: `By token ${c.method}` } : c.body;
        const res = await raw(c.method, c.url, { authorization: `Bearer ${writeToken}` }, body);
        assert.ok(res.status >= 200 && res.status < 300, `${c.method} ${c.url}: ${res.status} ${res.body}`);
      }
    });

    void test("a cross-site sign-in is refused, so a forged form cannot sign the victim into the attacker's account", async () => {
      for (const headers of [{ "sec-fetch-site": "cross-site" }, { origin: "https://evil.test" }] as Record<
        string,
        string
      >[]) {
        const res = await raw("POST", "/api/v1/auth/login", headers, {
          email: "admin@a.test",
          password: "correct horse battery staple",
        });
        assert.equal(res.status, 403, JSON.stringify(headers));
        assert.equal((res.json() as ErrorBody).error.code, "csrf_rejected");
        assert.equal(res.headers["set-cookie"], undefined);
      }
    });

    void test("no GET route listed in the OpenAPI document changes the database, whoever calls it", async () => {
      const doc = (await h.request({ kind: "anonymous" }, "GET", "/openapi.json")).json() as {
        paths: Record<
          string,
          Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>
        >;
      };
      const values: Record<string, string> = {
        orgId: w.orgA.id,
        costCenterId: w.cc1.id,
        workspaceId: w.ws1.id,
        token: invitationToken,
        // No partner cloud here, so no connected account: reads of an unknown one must not write either.
        billingAccountId: `ba_${"0".repeat(26)}`,
        // Likewise no provider (none can be made without Microsoft here): reading an unknown one writes nothing.
        providerId: `prv_${"0".repeat(26)}`,
        // No onboarding run either: reading an unknown one writes nothing.
        runId: `wf_${"0".repeat(26)}`,
        webhookId,
        // Microsoft's answer to a sign-in nobody started: refused without a write.
        state: "A".repeat(43),
        // A month of usage: listing what no billing account takes only reads.
        month: "2026-10",
        // No invoice either (no connected account): reading an unknown one, or its line, writes nothing.
        invoiceId: `inv_${"0".repeat(26)}`,
        lineNo: "1",
        // Estimates of an unknown billing account, by id and by alias: refused without a write.
        scope: "billing_account",
        id: `ba_${"0".repeat(26)}`,
        alias: "PCNONE",
        // No usage import: reading an unknown one writes nothing.
        importId: `uim_${"0".repeat(26)}`,
      };
      // Path parameters take the same values, but a migration invitation's link token has its own form: there is no
      // migration without Microsoft here, so an unknown one is read, which writes nothing either.
      const pathValues: Record<string, string> = { ...values, token: "A".repeat(43) };
      const urls: string[] = [];
      for (const [path, methods] of Object.entries(doc.paths)) {
        const get = methods["get"];
        if (!get) continue;
        const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
          const v = pathValues[name];
          if (v === undefined)
            throw new Error(`no value for path parameter ${name} of GET ${path}: add one to the sweep`);
          return v;
        });
        const query = (get.parameters ?? [])
          .filter((p) => p.in === "query" && p.required)
          .map((p) => {
            const v = values[p.name];
            if (v === undefined)
              throw new Error(`no value for query parameter ${p.name} of GET ${path}: add one to the sweep`);
            return `${p.name}=${encodeURIComponent(v)}`;
          });
        urls.push(query.length ? `${filled}?${query.join("&")}` : filled);
        // The same list with another organization's and another cost center's ids, as a trespasser would try.
        if (path.includes("{"))
          urls.push(
            filled.replace(w.orgA.id, w.orgB.id).replace(w.cc1.id, w.ccB.id).replace(w.ws1.id, w.wsB.id),
          );
      }
      assert.ok(urls.length >= 15, `only ${urls.length} GET routes found`);

      const actors: [string, Auth][] = [
        ["anonymous", { kind: "anonymous" }],
        ["operator", await h.sessionFor(w.ids.operator)],
        ["org admin", await h.sessionFor(w.ids.orgAdmin)],
        ["cost-center admin", await h.sessionFor(w.ids.ccAdmin)],
        ["workspace visitor", await h.sessionFor(w.ids.wsVisitor)],
        ["other org's admin", await h.sessionFor(w.ids.otherOrgAdmin)],
        ["read token", { kind: "token", secret: w.tokens.read }],
        ["write token", { kind: "token", secret: writeToken }],
        ["revoked token", { kind: "token", secret: w.tokens.revoked }],
      ];
      // A token records when it was last used, at most once a minute; use each once so that bookkeeping is done
      // before the snapshot. The fake clock does not move during the sweep.
      for (const [, auth] of actors) await h.request(auth, "GET", "/api/v1/me/contexts");

      const frozen = h.clock.now().getTime();
      const before = await snapshot(h);
      const failures: string[] = [];
      let ok = 0;
      for (const [name, auth] of actors)
        for (const url of urls) {
          const res = await h.request(auth, "GET", url);
          if (res.status >= 500) failures.push(`${name} GET ${url}: ${res.status}`);
          if (res.status === 200) ok++;
        }
      assert.equal(h.clock.now().getTime(), frozen);
      assert.deepEqual(failures, []);
      assert.ok(ok > urls.length, "the sweep reached real data, not only refusals");
      const afterSweep = await snapshot(h);
      assert.deepEqual(afterSweep, before);
      const preview = await h.request(
        { kind: "anonymous" },
        "GET",
        `/api/v1/invitations/preview?token=${invitationToken}`,
      );
      assert.equal(preview.status, 200, "previewing an invitation many times does not use it up");
    });
  });
}
