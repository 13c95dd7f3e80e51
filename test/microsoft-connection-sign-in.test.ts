import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import {
  microsoftResources,
  readTokenClaims,
  type RefreshTokenStore,
} from "../src/integrations/entra/index.ts";
import { connectMicrosoft, createIntegrations, type Integrations } from "../src/main/microsoft.ts";
import {
  CALLBACK_PATH,
  createMicrosoftConnection,
  createRefreshTokenStore,
} from "../src/modules/microsoft-connection/index.ts";
import { systemClock } from "../src/platform/clock.ts";
import { parseConfig } from "../src/platform/config.ts";
import { createSecretBox, type SecretBox } from "../src/platform/secrets.ts";
import { backends } from "./support/databases.ts";
import { emulatorBrowser } from "./support/emulator-browser.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { createHarness, type Auth, type Harness, type Response } from "./support/harness.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";
import { createWorld, type World } from "./support/world.ts";

const CONNECTION = "/api/v1/partner/microsoft-connection";
const PUBLIC_URL = "http://localhost:8080";
const anonymous: Auth = { kind: "anonymous" };

type Check = { ok: boolean; code?: string; message?: string };
type Status = {
  connected: boolean;
  partnerTenantId: string | null;
  redirectUri: string;
  appCheck: Check | null;
  signIn: {
    userPrincipalName: string;
    userObjectId: string;
    mfa: boolean;
    signedInAt: string;
    signedInBy: { userId: string; email: string | null };
    refreshedAt: string | null;
    refresh: Check | null;
  } | null;
};
type ErrorBody = { error: { code: string; message: string } };

for (const backend of backends()) {
  void describe(`the partner administrator's Microsoft sign-in on ${backend.name}`, () => {
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let h: Harness;
    let w: World;
    let box: SecretBox;
    let store: RefreshTokenStore;
    let integrations: Integrations;
    let closeIntegrations: () => void;
    let operator: Auth;
    let orgAdmin: Auth;
    /** Every answer the API gave and every line it logged: no token or code may be in them. */
    const answers: string[] = [];
    const logLines: string[] = [];

    before(async () => {
      ({ emu, seed } = await startSeededEmulator(`ms-sign-in-${backend.name}`));
      // The reply URL registered on the partner's application, as an operator does in Microsoft Entra ID.
      const registered = await emulatorClient(emu).request(
        "POST",
        `/_emulator/apps/${seed.clientId}/redirect-uris`,
        {
          json: { uri: `${PUBLIC_URL}${CALLBACK_PATH}` },
        },
      );
      assert.equal(registered.status, 201, JSON.stringify(registered.body));

      const database = await backend.open();
      const key = randomBytes(32).toString("base64");
      box = createSecretBox([{ id: "k1", key }]);
      // As processes.ts wires it: the adapters' refresh token comes from the database, under the secret box.
      store = createRefreshTokenStore({ db: database.db, clock: systemClock, secrets: () => box });
      ({ integrations, close: closeIntegrations } = createIntegrations(
        {
          loginUrl: emu.baseUrl,
          partnerCenterUrl: emu.baseUrl,
          graphUrl: emu.baseUrl,
          armUrl: emu.baseUrl,
          partnerCloudUrl: emu.baseUrl,
          adminCenterUrl: emu.baseUrl,
          ca: readFileSync(emu.caPath, "utf8"),
          partnerTenantId: seed.tenantId,
          clientId: seed.clientId,
          clientSecret: seed.clientSecret,
          refreshTokens: store,
        },
        { clock: systemClock },
      ));
      const logStream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString());
          done();
        },
      });
      h = await createHarness(
        database,
        { SECRETS_KEYS: `k1:${key}`, PUBLIC_URL, LOG_LEVEL: "debug" },
        { integrations, logStream },
      );
      w = await createWorld(h);
      operator = await h.sessionFor(w.ids.operator);
      orgAdmin = await h.sessionFor(w.ids.orgAdmin);
    });
    after(async () => {
      await h.close();
      await h.database.close();
      closeIntegrations();
      await emu.close();
    });

    async function call(auth: Auth, method: "GET" | "POST" | "DELETE", url: string): Promise<Response> {
      const res = await h.request(auth, method, url);
      answers.push(res.body, JSON.stringify(res.headers));
      return res;
    }

    const status = async (): Promise<Status> => {
      const res = await call(operator, "GET", CONNECTION);
      assert.equal(res.status, 200, res.body);
      return res.json() as Status;
    };

    const storedRows = async () => (await h.database.query("SELECT * FROM microsoft_partner_sign_in")).rows;

    /** The token the database holds, opened with the key (undefined when none). */
    async function storedToken(): Promise<string | undefined> {
      const [row] = await storedRows();
      if (!row) return undefined;
      const opened = box.decrypt(String(row["refresh_token_sealed"]));
      assert.ok(opened.ok, "the stored token opens with the key");
      return opened.value;
    }

    /** An operator starts; the person signs in on Microsoft's page; the browser is sent to our callback URL. */
    async function throughMicrosoft(
      action: "signin" | "cancel" = "signin",
    ): Promise<{ callback: URL; state: string; code: string | null }> {
      const started = await call(operator, "POST", `${CONNECTION}/sign-in`);
      assert.equal(started.status, 201, started.body);
      const { authorizeUrl } = started.json() as { authorizeUrl: string };
      const browser = emulatorBrowser(emu);
      const page = await browser.get(authorizeUrl);
      assert.equal(page.status, 200, page.text);
      const form = browser.form(page, "Sign in");
      const answer = await browser.post(form.action, {
        ...form.fields,
        login: seed.partnerAdmin.userName,
        passwd: seed.partnerAdmin.password,
        action,
      });
      assert.equal(answer.status, 302, answer.text);
      const callback = new URL(answer.location ?? "");
      assert.equal(`${callback.origin}${callback.pathname}`, `${PUBLIC_URL}${CALLBACK_PATH}`);
      const state = callback.searchParams.get("state") ?? "";
      assert.ok(state, "Microsoft sends the state back");
      return { callback, state, code: callback.searchParams.get("code") };
    }

    /** The browser arrives at our callback (no session cookie: it comes from Microsoft's site). */
    async function arrive(callback: URL): Promise<string> {
      const res = await call(anonymous, "GET", `${callback.pathname}${callback.search}`);
      assert.equal(res.status, 303, res.body);
      return String(res.headers["location"]);
    }

    void test("only operators may read the connection, start a sign-in or sign out", async () => {
      for (const [method, url] of [
        ["GET", CONNECTION],
        ["POST", `${CONNECTION}/sign-in`],
        ["DELETE", CONNECTION],
      ] as const) {
        const res = await call(orgAdmin, method, url);
        assert.equal(res.status, 403, `${method} ${url}: ${res.body}`);
        assert.equal((res.json() as ErrorBody).error.code, "forbidden");
        assert.equal((await call(anonymous, method, url)).status, 401, `${method} ${url} anonymously`);
      }
      assert.equal(
        Number(
          (await h.database.query("SELECT count(*)::int AS n FROM microsoft_sign_in_requests")).rows[0]?.[
            "n"
          ],
        ),
        0,
        "a refused start leaves no sign-in request",
      );
    });

    void test("before anyone signs in, the status shows the partner tenant, a working application and no sign-in", async () => {
      const s = await status();
      assert.equal(s.connected, true);
      assert.equal(s.partnerTenantId, seed.tenantId);
      assert.equal(s.redirectUri, `${PUBLIC_URL}${CALLBACK_PATH}`);
      assert.deepEqual(s.appCheck, { ok: true });
      assert.equal(s.signIn, null);
      const user = await integrations.tokens.userToken(microsoftResources.partnerCenter);
      assert.ok(!user.ok);
      assert.equal(user.error.code, "entra_sign_in_required");
    });

    void test("the authorize URL asks Microsoft for a code with PKCE (S256), the state and Partner Center's scope", async () => {
      const started = await call(operator, "POST", `${CONNECTION}/sign-in`);
      assert.equal(started.status, 201, started.body);
      const body = started.json() as { authorizeUrl: string; expiresAt: string };
      const url = new URL(body.authorizeUrl);
      assert.equal(`${url.origin}${url.pathname}`, `${emu.baseUrl}/${seed.tenantId}/oauth2/v2.0/authorize`);
      const q = Object.fromEntries(url.searchParams);
      assert.deepEqual(
        { ...q, code_challenge: "…", state: "…" },
        {
          client_id: seed.clientId,
          response_type: "code",
          redirect_uri: `${PUBLIC_URL}${CALLBACK_PATH}`,
          scope: "https://api.partnercenter.microsoft.com/.default offline_access openid profile",
          code_challenge: "…",
          code_challenge_method: "S256",
          state: "…",
          prompt: "select_account",
        },
      );
      assert.match(q["code_challenge"] ?? "", /^[A-Za-z0-9_-]{43}$/);
      assert.match(q["state"] ?? "", /^[A-Za-z0-9_-]{43}$/);
      assert.equal(new Date(body.expiresAt).getTime() - h.clock.now().getTime(), 10 * 60_000);
      const kept = (await h.database.query("SELECT * FROM microsoft_sign_in_requests t")).rows.map((r) =>
        JSON.stringify(r),
      );
      assert.ok(kept.length > 0);
      for (const row of kept)
        assert.ok(!row.includes(q["state"] ?? "-"), "the state is kept only as its hash");
    });

    void test("an answer after ten minutes is refused and stores nothing", async () => {
      const { callback } = await throughMicrosoft();
      h.clock.advance(10 * 60_000 + 1000);
      assert.equal(await arrive(callback), "/microsoft-connection?error=microsoft_sign_in_expired");
      assert.deepEqual(await storedRows(), []);
      assert.equal(await arrive(callback), "/microsoft-connection?error=microsoft_sign_in_invalid");
    });

    void test("a sign-in cancelled on Microsoft's page comes back as declined and stores nothing", async () => {
      const { callback, code } = await throughMicrosoft("cancel");
      assert.equal(code, null);
      assert.equal(callback.searchParams.get("error"), "access_denied");
      assert.equal(await arrive(callback), "/microsoft-connection?error=microsoft_sign_in_declined");
      assert.deepEqual(await storedRows(), []);
    });

    void test("an unknown state is refused, and an answer without a state is a validation error", async () => {
      const unknown = new URL(`${PUBLIC_URL}${CALLBACK_PATH}?code=made-up&state=${"A".repeat(43)}`);
      assert.equal(await arrive(unknown), "/microsoft-connection?error=microsoft_sign_in_invalid");
      const bare = await call(anonymous, "GET", `${CALLBACK_PATH}?code=made-up`);
      assert.equal(bare.status, 400);
      assert.equal((bare.json() as ErrorBody).error.code, "validation_failed");
      assert.match((bare.json() as ErrorBody).error.message, /state/);
      assert.deepEqual(await storedRows(), []);
    });

    let firstSignIn = "";
    void test("the operator's sign-in stores the sealed refresh token; the Entra adapter's app+user tokens then come from it", async () => {
      const { callback } = await throughMicrosoft();
      assert.equal(await arrive(callback), "/microsoft-connection?signedIn=1");

      const [row] = await storedRows();
      assert.ok(row);
      firstSignIn = String(row["id"]);
      assert.match(firstSignIn, /^msi_/);
      assert.match(String(row["refresh_token_sealed"]), /^v1\.k1\./, "sealed by the secret box");
      assert.equal(row["user_principal_name"], seed.partnerAdmin.userName.toLowerCase());
      assert.equal(row["tenant_id"], seed.tenantId);
      assert.equal(row["mfa"], true);
      assert.equal(row["signed_in_by"], w.ids.operator);
      const token = await storedToken();
      assert.ok(token);

      const user = await integrations.tokens.userToken(microsoftResources.partnerCenter);
      assert.ok(user.ok, JSON.stringify(user));
      const claims = readTokenClaims(user.value.token);
      assert.equal(claims?.upn, seed.partnerAdmin.userName.toLowerCase());
      assert.equal(claims?.idtyp, "user");
      assert.notEqual(await storedToken(), token, "Entra's rotated refresh token replaced the first one");
      const link = await integrations.partnerCenter.relationshipRequestLink();
      assert.ok(link.ok, "an app+user Partner Center call works with the stored sign-in");

      const s = await status();
      assert.deepEqual(s.appCheck, { ok: true });
      assert.ok(s.signIn);
      assert.equal(s.signIn.userPrincipalName, seed.partnerAdmin.userName.toLowerCase());
      assert.equal(s.signIn.mfa, true);
      assert.deepEqual(s.signIn.signedInBy, { userId: w.ids.operator, email: "op@partner.test" });
      assert.deepEqual(s.signIn.refresh, { ok: true });
      assert.ok(s.signIn.refreshedAt, "the rotation is recorded");

      const audit = await h.database.query(
        "SELECT actor_id, action, target_id, details FROM audit_events WHERE action LIKE 'microsoft_connection.%' ORDER BY seq",
      );
      const signedIn = audit.rows.filter((r) => r["action"] === "microsoft_connection.signed_in");
      assert.equal(signedIn.length, 1);
      assert.equal(signedIn[0]?.["actor_id"], w.ids.operator, "audited as the operator who started it");
      assert.equal(signedIn[0]?.["target_id"], row["user_object_id"]);
    });

    void test("the same answer a second time is refused and leaves the stored sign-in as it was", async () => {
      const before = await storedRows();
      const { callback } = await throughMicrosoft();
      assert.equal(await arrive(callback), "/microsoft-connection?signedIn=1");
      const kept = await storedRows();
      assert.notEqual(kept[0]?.["id"], before[0]?.["id"], "a new sign-in replaces the earlier one");
      assert.equal(await arrive(callback), "/microsoft-connection?error=microsoft_sign_in_invalid");
      assert.deepEqual(await storedRows(), kept);
    });

    void test("with the partner tenant configured by its domain, the signed-in user's tenant is still checked and kept", async () => {
      const byDomain = createIntegrations(
        {
          loginUrl: emu.baseUrl,
          partnerCenterUrl: emu.baseUrl,
          graphUrl: emu.baseUrl,
          armUrl: emu.baseUrl,
          partnerCloudUrl: emu.baseUrl,
          adminCenterUrl: emu.baseUrl,
          ca: readFileSync(emu.caPath, "utf8"),
          partnerTenantId: seed.tenantDomain,
          clientId: seed.clientId,
          clientSecret: seed.clientSecret,
          refreshTokens: store,
        },
        { clock: systemClock },
      );
      try {
        const connection = createMicrosoftConnection({
          db: h.database.db,
          clock: h.clock,
          audit: h.modules.audit,
          secrets: () => box,
          microsoft: {
            partnerTenantId: seed.tenantDomain,
            tokens: byDomain.integrations.tokens,
            signIn: byDomain.integrations.partnerAdminSignIn,
          },
          redirectUri: `${PUBLIC_URL}${CALLBACK_PATH}`,
          isOperator: () => Promise.resolve(true),
        });
        const started = await connection.start(await h.callerFor(w.ids.operator));
        assert.ok(started.ok);
        assert.ok(
          started.value.authorizeUrl.startsWith(`${emu.baseUrl}/${seed.tenantDomain}/oauth2/v2.0/authorize?`),
        );
        const browser = emulatorBrowser(emu);
        const form = browser.form(await browser.get(started.value.authorizeUrl), "Sign in");
        const answer = await browser.post(form.action, {
          ...form.fields,
          login: seed.partnerAdmin.userName,
          passwd: seed.partnerAdmin.password,
          action: "signin",
        });
        const back = new URL(answer.location ?? "");
        const done = await connection.complete(
          { state: back.searchParams.get("state") ?? "", code: back.searchParams.get("code") ?? "" },
          "test.by-domain",
        );
        assert.ok(done.ok, JSON.stringify(done));
        assert.equal((await storedRows())[0]?.["tenant_id"], seed.tenantId);
      } finally {
        byDomain.close();
      }
    });

    void test("a rotation of an older sign-in's token never overwrites a newer sign-in", async () => {
      const stale = createRefreshTokenStore({ db: h.database.db, clock: systemClock, secrets: () => box });
      const read = await stale.current();
      assert.ok(read);
      const { callback } = await throughMicrosoft();
      assert.equal(await arrive(callback), "/microsoft-connection?signedIn=1");
      const fresh = await storedToken();
      await stale.rotated("a token of the sign-in before");
      assert.equal(await storedToken(), fresh);
      assert.notEqual(String((await storedRows())[0]?.["id"]), firstSignIn);
    });

    void test("no refresh token or code is in an API answer, the log or the audit log, nor the state in the logs", async () => {
      const { callback, state, code } = await throughMicrosoft();
      assert.equal(await arrive(callback), "/microsoft-connection?signedIn=1");
      const token = await storedToken();
      assert.ok(token && code);
      await status();
      const audit = (await h.database.query("SELECT t::text AS row FROM audit_events t")).rows
        .map((r) => String(r["row"]))
        .join("\n");
      const log = logLines.join("");
      assert.ok(log.includes(CALLBACK_PATH), "the callback was logged");
      // The state is in the authorize URL the operator's browser is given; nowhere else.
      const places: [string, string, string[]][] = [
        ["API answers", answers.join("\n"), [token, code]],
        ["log", log, [token, code, state]],
        ["audit log", audit, [token, code, state]],
      ];
      for (const [where, text, secrets] of places)
        for (const secret of secrets)
          assert.ok(!text.includes(secret), `${secret.slice(0, 6)}… is in the ${where}`);
    });

    void test("signing out forgets the token (audited), and app+user calls ask for a new sign-in", async () => {
      const out = await call(operator, "DELETE", CONNECTION);
      assert.equal(out.status, 204, out.body);
      assert.deepEqual(await storedRows(), []);
      assert.equal(await store.current(), undefined);
      const s = await status();
      assert.equal(s.signIn, null);
      const audit = await h.database.query(
        "SELECT actor_id FROM audit_events WHERE action = 'microsoft_connection.signed_out'",
      );
      assert.deepEqual(
        audit.rows.map((r) => r["actor_id"]),
        [w.ids.operator],
      );
      const again = await call(operator, "DELETE", CONNECTION);
      assert.equal(again.status, 204, "signing out twice is no error");
    });
  });

  void describe(`the embedded world, on ${backend.name}`, () => {
    void test("app+user calls use the demo administrator's sign-in while nobody has signed in through the console", async () => {
      const database = await backend.open();
      const dataDir = await mkdtemp(path.join(os.tmpdir(), "pc-ms-embedded-"));
      const config = parseConfig({ DATA_DIR: dataDir, EMULATOR_PORT: "0" });
      const box = createSecretBox([{ id: "k1", key: randomBytes(32).toString("base64") }]);
      const refreshTokens = createRefreshTokenStore({
        db: database.db,
        clock: systemClock,
        secrets: () => box,
      });
      const connection = await connectMicrosoft(config, {
        embedded: true,
        clock: systemClock,
        log: pino({ level: "silent" }),
        refreshTokens,
      });
      try {
        assert.equal(await refreshTokens.current(), undefined, "nobody signed in through the console");
        const link = await connection.integrations?.partnerCenter.relationshipRequestLink();
        assert.ok(link?.ok, JSON.stringify(link));
      } finally {
        await connection.close();
        await database.close();
      }
    });
  });

  void describe(`without Microsoft configured, on ${backend.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(await backend.open(), {
        SECRETS_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      });
    });
    after(async () => {
      await h.close();
      await h.database.close();
    });

    void test("the status says so and a sign-in cannot start", async () => {
      const w = await createWorld(h);
      const op = await h.sessionFor(w.ids.operator);
      const s = (await h.request(op, "GET", CONNECTION)).json() as Status;
      assert.deepEqual(
        {
          connected: s.connected,
          partnerTenantId: s.partnerTenantId,
          appCheck: s.appCheck,
          signIn: s.signIn,
        },
        { connected: false, partnerTenantId: null, appCheck: null, signIn: null },
      );
      const start = await h.request(op, "POST", `${CONNECTION}/sign-in`);
      assert.equal(start.status, 503);
      assert.equal((start.json() as ErrorBody).error.code, "microsoft_not_connected");
    });
  });
}
