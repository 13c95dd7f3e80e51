import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { emulatorBrowser, type PageResponse } from "./support/emulator-browser.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

const REDIRECT = "http://localhost/callback";
const claimsOf = (jwt: unknown) =>
  JSON.parse(Buffer.from(String(jwt).split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;

void describe("signing people in through the emulated Entra ID (auth code + PKCE, refresh tokens)", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  const client = () => emulatorClient(emu);

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("emu-entra"));
    const added = await client().request("POST", `/_emulator/apps/${seed.clientId}/redirect-uris`, {
      json: { uri: REDIRECT },
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  });
  after(async () => {
    await emu.close();
  });

  const pkce = () => {
    const verifier = randomBytes(48).toString("base64url");
    return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
  };

  const authorizeUrl = (challenge: string, extra: Record<string, string> = {}) =>
    `/organizations/oauth2/v2.0/authorize?${new URLSearchParams({
      client_id: seed.clientId,
      response_type: "code",
      // Entra ignores the port of a loopback reply URL, so a native app may listen where it likes.
      redirect_uri: "http://localhost:49152/callback",
      scope: "https://api.partnercenter.microsoft.com/user_impersonation offline_access openid",
      state: "st-1",
      code_challenge: challenge,
      code_challenge_method: "S256",
      nonce: "n-1",
      ...extra,
    }).toString()}`;

  async function signIn(
    browser: ReturnType<typeof emulatorBrowser>,
    challenge: string,
    user: { userName: string; password: string },
  ): Promise<PageResponse> {
    const page = await browser.get(authorizeUrl(challenge));
    assert.equal(page.status, 200, page.text);
    const form = browser.form(page, "Sign in");
    return browser.post(form.action, {
      ...form.fields,
      login: user.userName,
      passwd: user.password,
      action: "signin",
    });
  }

  const codeFrom = (res: PageResponse) => {
    assert.equal(res.status, 302, res.text);
    const url = new URL(res.location ?? "");
    assert.equal(url.origin + url.pathname, "http://localhost:49152/callback");
    assert.equal(url.searchParams.get("state"), "st-1");
    return url.searchParams.get("code") ?? "";
  };

  const redeem = (code: string, verifier: string, redirectUri = "http://localhost:49152/callback") =>
    client().request("POST", "/organizations/oauth2/v2.0/token", {
      form: {
        grant_type: "authorization_code",
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        scope: "https://api.partnercenter.microsoft.com/user_impersonation offline_access openid",
      },
    });

  const refresh = (refreshToken: string) =>
    client().request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "refresh_token",
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        refresh_token: refreshToken,
        scope: "https://api.partnercenter.microsoft.com/user_impersonation offline_access",
      },
    });

  const newUser = (alias: string) => {
    const password = `${randomBytes(9).toString("base64url")}!1a`;
    const user = emu.state.addUser({ tenantId: seed.tenantId, alias, displayName: alias, password });
    return { id: user.id, userName: user.userPrincipalName, password };
  };

  void test("a user signs in on the page, the app redeems the code once for app+user tokens with mfa, and the code cannot be redeemed again", async () => {
    const browser = emulatorBrowser(emu);
    const { verifier, challenge } = pkce();
    const code = codeFrom(await signIn(browser, challenge, seed.partnerAdmin));
    const first = await redeem(code, verifier);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const access = claimsOf(first.body["access_token"]);
    assert.equal(access["idtyp"], "user");
    assert.equal(access["upn"], seed.partnerAdmin.userName);
    assert.equal(access["tid"], seed.tenantId);
    assert.equal(access["aud"], "https://api.partnercenter.microsoft.com");
    assert.equal(access["scp"], "user_impersonation");
    assert.deepEqual(access["amr"], ["pwd", "mfa"]);
    const id = claimsOf(first.body["id_token"]);
    assert.equal(id["aud"], seed.clientId);
    assert.equal(id["nonce"], "n-1");
    assert.equal(typeof first.body["refresh_token"], "string");

    const again = await redeem(code, verifier);
    assert.equal(again.status, 400);
    assert.equal(again.body["error"], "invalid_grant");
    assert.deepEqual(again.body["error_codes"], [54005]);
  });

  void test("a code redeemed with the wrong PKCE verifier or another reply URL is refused, and an old code has expired", async () => {
    const browser = emulatorBrowser(emu);
    const { verifier, challenge } = pkce();
    const code = codeFrom(await signIn(browser, challenge, seed.partnerAdmin));
    const wrongVerifier = await redeem(code, pkce().verifier);
    assert.deepEqual(wrongVerifier.body["error_codes"], [50148], JSON.stringify(wrongVerifier.body));
    const noVerifier = await redeem(code, "");
    assert.deepEqual(noVerifier.body["error_codes"], [9002313]);
    const otherUri = await redeem(code, verifier, "http://localhost:49152/other");
    assert.deepEqual(otherUri.body["error_codes"], [500112]);
    assert.equal((await redeem(code, verifier)).status, 200, "the failed attempts left the code usable");

    const late = pkce();
    const lateCode = codeFrom(await browser.get(authorizeUrl(late.challenge)));
    await client().request("POST", "/_emulator/clock", { json: { advanceSeconds: 11 * 60 } });
    const expired = await redeem(lateCode, late.verifier);
    assert.equal(expired.body["error"], "invalid_grant");
    assert.deepEqual(expired.body["error_codes"], [70008]);
  });

  void test("a wrong password keeps the user on the page with an error, and nothing is redirected", async () => {
    const browser = emulatorBrowser(emu);
    const res = await signIn(browser, pkce().challenge, {
      userName: seed.partnerAdmin.userName,
      password: "nope",
    });
    assert.equal(res.status, 400);
    assert.equal(res.location, undefined);
    assert.match(res.text, /role="alert"[^>]*>Your account or password is incorrect/);
    const retry = browser.form(res, "Sign in");
    const ok = await browser.post(retry.action, {
      ...retry.fields,
      login: seed.partnerAdmin.userName,
      passwd: seed.partnerAdmin.password,
      action: "signin",
    });
    assert.equal(ok.status, 302, "the same page signs in once the password is right");
  });

  void test("the sign-in form is refused without its CSRF token or from another browser", async () => {
    const browser = emulatorBrowser(emu);
    const page = await browser.get(authorizeUrl(pkce().challenge));
    const form = browser.form(page, "Sign in");
    const creds = { login: seed.partnerAdmin.userName, passwd: seed.partnerAdmin.password, action: "signin" };
    const forged = await browser.post(form.action, { ...form.fields, csrf: "forged", ...creds });
    assert.equal(forged.status, 400);
    assert.equal(forged.location, undefined);
    const stranger = emulatorBrowser(emu);
    const elsewhere = await stranger.post(form.action, { ...form.fields, ...creds });
    assert.equal(elsewhere.status, 400);
    assert.equal(elsewhere.location, undefined);
  });

  void test("a second authorization in the same browser skips the password unless prompt=login, and logout ends it", async () => {
    const browser = emulatorBrowser(emu);
    codeFrom(await signIn(browser, pkce().challenge, seed.partnerAdmin));
    const silent = await browser.get(authorizeUrl(pkce().challenge));
    assert.ok(codeFrom(silent));
    const forced = await browser.get(authorizeUrl(pkce().challenge, { prompt: "login" }));
    assert.equal(forced.status, 200);
    assert.match(forced.text, /name="passwd"/);
    const out = await browser.get(
      `/organizations/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(REDIRECT)}`,
    );
    assert.equal(out.status, 302);
    assert.equal(out.location, REDIRECT);
    const afterLogout = await browser.get(authorizeUrl(pkce().challenge));
    assert.equal(afterLogout.status, 200, "the password is asked again");
  });

  void test("an unknown app or an unregistered reply URL gets an error page, never a redirect; a cancelled sign-in returns access_denied", async () => {
    const browser = emulatorBrowser(emu);
    const unknown = await browser.get(
      authorizeUrl(pkce().challenge, { client_id: "00000000-0000-4000-8000-000000000000" }),
    );
    assert.equal(unknown.status, 400);
    assert.equal(unknown.location, undefined);
    assert.match(unknown.text, /AADSTS700016/);
    const evil = await browser.get(
      authorizeUrl(pkce().challenge, { redirect_uri: "https://evil.example/callback" }),
    );
    assert.equal(evil.status, 400);
    assert.equal(evil.location, undefined);
    assert.match(evil.text, /AADSTS50011/);

    const page = await browser.get(authorizeUrl(pkce().challenge));
    const form = browser.form(page, "Sign in");
    const cancelled = await browser.post(form.action, { ...form.fields, action: "cancel" });
    const url = new URL(cancelled.location ?? "");
    assert.equal(url.searchParams.get("error"), "access_denied");
    assert.match(url.searchParams.get("error_description") ?? "", /^AADSTS65004/);
    assert.equal(url.searchParams.get("state"), "st-1");
  });

  void test("refresh tokens rotate, the old one stays valid, a password change does not revoke them, and removing the user does", async () => {
    const person = newUser("refresher");
    const browser = emulatorBrowser(emu);
    const { verifier, challenge } = pkce();
    const tokens = await redeem(codeFrom(await signIn(browser, challenge, person)), verifier);
    const first = String(tokens.body["refresh_token"]);

    const rotated = await refresh(first);
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const second = String(rotated.body["refresh_token"]);
    assert.notEqual(second, first, "a new refresh token each time");
    assert.equal(claimsOf(rotated.body["access_token"])["upn"], person.userName);
    assert.equal((await refresh(first)).status, 200, "the old one still works");

    emu.state.setPassword(person.id, "a-new-Passw0rd!");
    assert.equal(
      (await refresh(second)).status,
      200,
      "a confidential client's refresh token survives a password change",
    );

    const removed = await client().request(
      "DELETE",
      `/_emulator/users/${encodeURIComponent(person.userName)}`,
    );
    assert.equal(removed.status, 204);
    const refused = await refresh(second);
    assert.equal(refused.status, 400);
    assert.equal(refused.body["error"], "invalid_grant");
    assert.deepEqual(refused.body["error_codes"], [50173]);
  });

  void test("the password grant returns a refresh token only when offline_access is asked", async () => {
    const ask = (scope: string) =>
      client().request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
        form: {
          grant_type: "password",
          client_id: seed.clientId,
          client_secret: seed.clientSecret,
          username: seed.partnerAdmin.userName,
          password: seed.partnerAdmin.password,
          scope,
        },
      });
    const without = await ask("https://api.partnercenter.microsoft.com/user_impersonation");
    assert.equal(without.status, 200);
    assert.equal(without.body["refresh_token"], undefined);
    const withIt = await ask("https://api.partnercenter.microsoft.com/user_impersonation offline_access");
    assert.equal(typeof withIt.body["refresh_token"], "string");
    assert.equal((await refresh(String(withIt.body["refresh_token"]))).status, 200);
  });

  void test("a refresh token is refused after 90 days on the clock", async () => {
    const person = newUser("sleeper");
    const browser = emulatorBrowser(emu);
    const { verifier, challenge } = pkce();
    const tokens = await redeem(codeFrom(await signIn(browser, challenge, person)), verifier);
    await client().request("POST", "/_emulator/clock", { json: { advanceSeconds: 91 * 86_400 } });
    const stale = await refresh(String(tokens.body["refresh_token"]));
    assert.deepEqual(stale.body["error_codes"], [700082]);
  });
});
