import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import nodemailer from "nodemailer";
import { emulatorClient } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

void describe("the emulator's control plane, scenarios and mailbox", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let pcToken: string;
  const client = () => emulatorClient(emu);
  const control = (method: string, pathname: string, json?: unknown) =>
    client().request(method, pathname, { json });

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("emu-control"));
    pcToken = await client().token(seed, "https://api.partnercenter.microsoft.com/.default");
  });
  after(async () => {
    await emu.close();
  });

  const timed = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  const domainCheck = () =>
    client().request("HEAD", "/v1/domains/nobody.onmicrosoft.com", {
      headers: { authorization: `Bearer ${pcToken}` },
    });

  void test("the microsoft latency profile delays each route by Microsoft's range divided by the time factor, and 'none' removes it", async () => {
    const set = await control("POST", "/_emulator/latency-profile", {
      profile: "microsoft",
      timeFactor: 2,
      seed: 7,
    });
    assert.equal(set.status, 201, JSON.stringify(set.body));
    // Microsoft answers a domain check in 150–600 ms; halved, 75–300 ms.
    const waits = [await timed(domainCheck), await timed(domainCheck)];
    const rules = (await control("GET", "/_emulator/faults")).body["faults"] as {
      route: string;
      drawnMs: number[];
    }[];
    const drawn = rules.find((r) => r.route === "HEAD /v1/domains/:domain")?.drawnMs ?? [];
    assert.equal(drawn.length, 2);
    drawn.forEach((ms, i) => {
      assert.ok(ms >= 75 && ms <= 300, `drew ${ms} ms`);
      assert.ok((waits[i] ?? 0) >= ms - 5, `waited ${waits[i]} ms for a ${ms} ms draw`);
    });
    const none = await control("POST", "/_emulator/latency-profile", { profile: "none" });
    assert.equal(none.status, 201);
    assert.equal(none.body["routes"], 0);
    const left = (await control("GET", "/_emulator/faults")).body["faults"] as { kind: string }[];
    assert.deepEqual(
      left.filter((f) => f.kind === "latency"),
      [],
      "the profile's rules are gone",
    );
    // The fastest of a few calls: a loaded machine may slow one, never all of them to the profile's 75 ms floor.
    const unhindered = [await timed(domainCheck), await timed(domainCheck), await timed(domainCheck)];
    assert.ok(
      Math.min(...unhindered) < 70,
      `no latency once the profile is none: ${unhindered.join(", ")} ms`,
    );
  });

  void test("a bad latency profile or fault rule is refused with the field that is wrong", async () => {
    const profile = await control("POST", "/_emulator/latency-profile", { profile: "azure", timeFactor: 0 });
    assert.equal(profile.status, 400);
    assert.match(String(profile.body["error"]), /profile/);
    assert.match(String(profile.body["error"]), /timeFactor/);
    const fault = await control("POST", "/_emulator/faults", { route: "FETCH /x", kind: "latency" });
    assert.equal(fault.status, 400);
    assert.match(String(fault.body["error"]), /route must look like/);
  });

  void test("a seeded latency range draws the same delays again, so a slow run replays", async () => {
    const draws = async () => {
      await control("DELETE", "/_emulator/faults");
      await control("POST", "/_emulator/faults", {
        route: "HEAD /v1/domains/:domain",
        kind: "latency",
        latencyMs: 0,
        latencyMaxMs: 400,
        times: 4,
        seed: 42,
      });
      const waited: number[] = [];
      for (let i = 0; i < 4; i++) waited.push(await timed(domainCheck));
      const [rule] = (await control("GET", "/_emulator/faults")).body["faults"] as { drawnMs: number[] }[];
      const drawn = rule?.drawnMs ?? [];
      assert.equal(drawn.length, 4);
      drawn.forEach((ms, i) =>
        assert.ok((waited[i] ?? 0) >= ms - 5, `waited ${waited[i]} ms for a ${ms} ms draw`),
      );
      return drawn;
    };
    const first = await draws();
    assert.deepEqual(await draws(), first, "the same seed draws the same delays");
    assert.ok(Math.max(...first) - Math.min(...first) > 20, "the draws differ from one another");
    await control("DELETE", "/_emulator/faults");
  });

  void test("a timeout fault holds the request, cuts the connection and does no work", async () => {
    await control("POST", "/_emulator/faults", {
      route: "POST /v1/customers",
      kind: "timeout",
      latencyMs: 200,
    });
    const started = performance.now();
    await assert.rejects(
      client().request("POST", "/v1/customers", {
        json: {
          companyProfile: { domain: "timeout01.onmicrosoft.com" },
          billingProfile: {
            email: "ap@timeout01.example",
            culture: "en-US",
            language: "en",
            companyName: "Timeout 01",
            defaultAddress: {
              addressLine1: "1 Microsoft Way",
              city: "Redmond",
              state: "WA",
              postalCode: "98052",
              country: "US",
            },
          },
        },
        headers: { authorization: `Bearer ${pcToken}`, "ms-requestid": randomUUID() },
      }),
    );
    assert.ok(performance.now() - started >= 190);
    const head = await client().request("HEAD", "/v1/domains/timeout01.onmicrosoft.com", {
      headers: { authorization: `Bearer ${pcToken}` },
    });
    assert.equal(head.status, 404, "no customer was created");
  });

  void test("Partner Center's per-minute limit and provisioning delay can be retuned while it runs", async () => {
    const bad = await control("PUT", "/_emulator/partner-center/settings", { requestsPerMinute: 0 });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body["error"]), /requestsPerMinute/);
    await control("POST", "/_emulator/clock", { advanceSeconds: 120 });
    const set = await control("PUT", "/_emulator/partner-center/settings", { requestsPerMinute: 2 });
    assert.equal(set.body["requestsPerMinute"], 2);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (
          await client().request("GET", "/v1/customers", {
            headers: { authorization: `Bearer ${pcToken}` },
          })
        ).status,
      );
    assert.deepEqual(statuses, [200, 200, 429]);
    await control("PUT", "/_emulator/partner-center/settings", { requestsPerMinute: 500 });
    await control("POST", "/_emulator/clock", { advanceSeconds: 120 });
  });

  void test("the clock moves forward on request and says where it is", async () => {
    const before = Date.parse(String((await control("GET", "/_emulator/clock")).body["now"]));
    const moved = await control("POST", "/_emulator/clock", { advanceSeconds: 86_400 });
    assert.equal(moved.status, 200);
    const after = Date.parse(String(moved.body["now"]));
    assert.ok(after - before >= 86_400_000 && after - before < 86_460_000);
    assert.equal((await control("POST", "/_emulator/clock", { advanceSeconds: -5 })).status, 400);
  });

  void test("an existing tenant with an Enterprise Agreement subscription and another partner is seeded, and its admin sees it through ARM", async () => {
    const res = await control("POST", "/_emulator/scenarios", {
      scenario: "existing-tenant",
      domainPrefix: "northwindtraders",
      companyName: "Northwind Traders",
      subscriptions: [
        { displayName: "Production", offer: "EnterpriseAgreement" },
        { displayName: "Dev", offer: "PayAsYouGo" },
      ],
      otherPartner: "Adatum Reseller",
      extraUsers: [{ alias: "reader", roles: [] }],
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const tenant = res.body as {
      tenantId: string;
      admin: { userName: string; password: string };
      otherPartner: { tenantId: string } | null;
      users: { userName: string }[];
    };
    assert.equal(tenant.admin.userName, "admin@northwindtraders.onmicrosoft.com");
    assert.equal(tenant.users[0]?.userName, "reader@northwindtraders.onmicrosoft.com");
    assert.ok(tenant.otherPartner);
    assert.deepEqual(
      emu.state.partnersOf(tenant.tenantId).map((c) => c.partnerTenantId),
      [tenant.otherPartner.tenantId],
      "the tenant is already another partner's customer",
    );
    const token = await client().request("POST", `/${tenant.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "password",
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        username: tenant.admin.userName,
        password: tenant.admin.password,
        scope: "https://management.azure.com/user_impersonation",
      },
    });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    const subs = await client().request("GET", "/subscriptions?api-version=2022-12-01", {
      headers: { authorization: `Bearer ${String(token.body["access_token"])}` },
    });
    const quota = (subs.body["value"] as { displayName: string; subscriptionPolicies: { quotaId: string } }[])
      .map((s) => `${s.displayName}:${s.subscriptionPolicies.quotaId}`)
      .sort();
    assert.deepEqual(quota, ["Dev:PayAsYouGo_2014-09-01", "Production:EnterpriseAgreement_2014-09-01"]);

    const again = await control("POST", "/_emulator/scenarios", {
      scenario: "existing-tenant",
      domainPrefix: "northwindtraders",
    });
    assert.equal(again.status, 409);
    const bad = await control("POST", "/_emulator/scenarios", {
      scenario: "existing-tenant",
      domainPrefix: "No!",
    });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body["error"]), /domainPrefix/);
  });

  void test("another partner can be seeded with its own app, which gets tokens in its own tenant", async () => {
    const res = await control("POST", "/_emulator/scenarios", {
      scenario: "partner",
      domainPrefix: "fabrikampartner",
      displayName: "Fabrikam Partner",
    });
    assert.equal(res.status, 201);
    const p = res.body as { tenantId: string; clientId: string; clientSecret: string };
    assert.ok(
      (await client().token(p, "https://api.partnercenter.microsoft.com/.default")).length > 0,
      "a token for the new partner",
    );
  });

  void test("mail sent to the emulator's SMTP server is kept, listed by recipient and shown on the mailbox page", async () => {
    const transport = nodemailer.createTransport({ url: emu.smtpUrl });
    await transport.sendMail({
      from: "Partner Cloud <noreply@partner-cloud.local>",
      to: "Admin@NorthwindTraders.onmicrosoft.com",
      subject: "Contoso invites you <to> a partnership",
      text: "Open https://example.invalid/accept to accept.",
    });
    transport.close();
    const mail = await control("GET", "/_emulator/mail?to=admin@northwindtraders.onmicrosoft.com");
    const items = mail.body["value"] as { subject: string; text: string; to: string[] }[];
    assert.equal(items.length, 1);
    assert.equal(items[0]?.subject, "Contoso invites you <to> a partnership");
    assert.match(items[0]?.text ?? "", /https:\/\/example\.invalid\/accept/);
    const page = await new Promise<string>((resolve, reject) => {
      void import("node:https").then(({ get }) =>
        get(`${emu.baseUrl}/mailbox`, { ca: client().ca }, (r) => {
          let text = "";
          r.on("data", (c: Buffer) => (text += c.toString()));
          r.on("end", () => resolve(text));
        }).on("error", reject),
      );
    });
    assert.match(page, /Contoso invites you &lt;to&gt; a partnership/, "the subject is escaped on the page");
  });
});
