import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { customerBody, emulatorClient, type EmulatorResponse } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

type Res = EmulatorResponse;

void describe("the emulated Partner Center (customers)", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let token: string;

  const call = (
    method: string,
    pathname: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res> =>
    emulatorClient(emu).request(method, pathname, {
      json: body,
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  const tokenFor = (scope: string) => emulatorClient(emu).token(seed, scope);

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("emu-pcenter"));
    token = await tokenFor("https://api.partnercenter.microsoft.com/.default");
  });
  after(async () => {
    await emu.close();
  });

  void test("creating a customer takes its domain, returns the admin's one-time password, and echoes MS-RequestId and MS-CorrelationId", async () => {
    assert.equal(
      (await call("HEAD", "/v1/domains/fabrikam01.onmicrosoft.com")).status,
      404,
      "available before",
    );
    const requestId = randomUUID();
    const correlationId = randomUUID();
    const res = await call("POST", "/v1/customers", customerBody("fabrikam01"), {
      "ms-requestid": requestId,
      "ms-correlationid": correlationId,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.headers["ms-requestid"], requestId);
    assert.equal(res.headers["ms-correlationid"], correlationId);
    const profile = res.body["companyProfile"] as { tenantId: string; domain: string };
    assert.equal(profile.tenantId, res.body["id"]);
    assert.equal(profile.domain, "fabrikam01.onmicrosoft.com");
    const creds = res.body["userCredentials"] as { userName: string; password: string };
    assert.equal(creds.userName, "admin");
    assert.ok(creds.password.length >= 12);
    assert.equal((await call("HEAD", "/v1/domains/fabrikam01.onmicrosoft.com")).status, 200, "taken after");
    const got = await call("GET", `/v1/customers/${String(res.body["id"])}`);
    assert.equal(got.status, 200);
    assert.equal(got.body["userCredentials"], undefined, "the password is shown only at creation");
  });

  void test("a retry with the same MS-RequestId replays the first answer and creates nothing twice; another body under that id is refused", async () => {
    const requestId = randomUUID();
    const first = await call("POST", "/v1/customers", customerBody("contoso77"), {
      "ms-requestid": requestId,
    });
    const again = await call("POST", "/v1/customers", customerBody("contoso77"), {
      "ms-requestid": requestId,
    });
    assert.equal(first.status, 201);
    assert.deepEqual(again.body, first.body);
    const search = await call(
      "GET",
      `/v1/customers?size=10&filter=${encodeURIComponent(JSON.stringify({ Field: "Domain", Value: "contoso77", Operator: "starts_with" }))}`,
    );
    assert.equal((search.body["items"] as unknown[]).length, 1);
    const other = await call("POST", "/v1/customers", customerBody("contoso78"), {
      "ms-requestid": requestId,
    });
    assert.equal(other.status, 409);
    const fresh = await call("POST", "/v1/customers", customerBody("contoso77"), {
      "ms-requestid": randomUUID(),
    });
    assert.equal(fresh.status, 409, "a new request for a taken domain is refused");
    assert.deepEqual(Object.keys(fresh.body).sort(), ["code", "data", "description", "source"]);
  });

  void test("creating a customer without MS-RequestId is refused and creates nothing, since a retry could not be recognised", async () => {
    const refused = await call("POST", "/v1/customers", customerBody("norequestid01"));
    assert.equal(refused.status, 400);
    assert.equal(refused.body["code"], 800002);
    assert.match(String(refused.body["description"]), /MS-RequestId is required/);
    assert.equal((await call("HEAD", "/v1/domains/norequestid01.onmicrosoft.com")).status, 404);
  });

  void test("listing pages through links.next with MS-ContinuationToken until no next link is left", async () => {
    for (let i = 0; i < 5; i++)
      assert.equal(
        (await call("POST", "/v1/customers", customerBody(`pagetest${i}`), { "ms-requestid": randomUUID() }))
          .status,
        201,
      );
    const filter = encodeURIComponent(
      JSON.stringify({ Field: "Domain", Value: "pagetest", Operator: "starts_with" }),
    );
    const seen: string[] = [];
    let pages = 0;
    let next: { uri: string; headers: { key: string; value: string }[] } | undefined = {
      uri: `/customers?size=2&filter=${filter}`,
      headers: [],
    };
    while (next) {
      const headers = Object.fromEntries(next.headers.map((h) => [h.key, h.value]));
      const page = await call("GET", `/v1${next.uri}`, undefined, headers);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      pages++;
      seen.push(
        ...(page.body["items"] as { companyProfile: { domain: string } }[]).map(
          (c) => c.companyProfile.domain,
        ),
      );
      next = (page.body["links"] as { next?: typeof next }).next;
    }
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      [0, 1, 2, 3, 4].map((i) => `pagetest${i}.onmicrosoft.com`),
    );
  });

  void test("address validation says which properties are wrong, and a customer with an invalid address is refused", async () => {
    const good = await call("POST", "/v1/validations/address", {
      addressLine1: "1 Microsoft Way",
      city: "Redmond",
      state: "WA",
      postalCode: "98052",
      country: "US",
    });
    assert.equal(good.body["status"], "VerifiedShippable");
    const bad = await call("POST", "/v1/validations/address", {
      addressLine1: "1 Main St",
      city: "Nowhere",
      state: "WA",
      postalCode: "ABCDE",
      country: "US",
    });
    assert.equal(bad.body["status"], "None");
    assert.match(String(bad.body["validationMessage"]), /postalCode/);
    const body = customerBody("badaddress");
    body.billingProfile.defaultAddress.postalCode = "00000";
    const refused = await call("POST", "/v1/customers", body, { "ms-requestid": randomUUID() });
    assert.equal(refused.status, 400);
    assert.equal(
      (await call("HEAD", "/v1/domains/badaddress.onmicrosoft.com")).status,
      404,
      "nothing was created",
    );
  });

  void test("injected faults: two 429s with Retry-After then success; latency; and a dropped answer whose retry replays the work done", async () => {
    const fault = (rule: Record<string, unknown>) => call("POST", "/_emulator/faults", rule);
    assert.equal(
      (
        await fault({
          route: "POST /v1/customers",
          kind: "status",
          status: 429,
          retryAfterSeconds: 7,
          times: 2,
        })
      ).status,
      201,
    );
    const body = customerBody("faulty01");
    const statuses: number[] = [];
    let last: Res | undefined;
    for (let i = 0; i < 3; i++) {
      last = await call("POST", "/v1/customers", body, { "ms-requestid": randomUUID() });
      statuses.push(last.status);
      if (last.status === 429) assert.equal(last.headers["retry-after"], "7");
    }
    assert.deepEqual(statuses, [429, 429, 201]);

    await fault({ route: "GET /v1/customers/:id", kind: "latency", latencyMs: 300 });
    const started = Date.now();
    assert.equal((await call("GET", `/v1/customers/${String(last?.body["id"])}`)).status, 200);
    assert.ok(Date.now() - started >= 290, "the answer came after the injected latency");

    await fault({ route: "POST /v1/customers", kind: "drop-after" });
    const requestId = randomUUID();
    await assert.rejects(
      call("POST", "/v1/customers", customerBody("faulty02"), { "ms-requestid": requestId }),
      "the connection is cut",
    );
    assert.equal(
      (await call("HEAD", "/v1/domains/faulty02.onmicrosoft.com")).status,
      200,
      "yet the customer was created",
    );
    const retried = await call("POST", "/v1/customers", customerBody("faulty02"), {
      "ms-requestid": requestId,
    });
    assert.equal(retried.status, 201, "the retry with the same MS-RequestId gets the first answer");
    const filter = encodeURIComponent(
      JSON.stringify({ Field: "Domain", Value: "faulty02", Operator: "starts_with" }),
    );
    assert.equal(
      ((await call("GET", `/v1/customers?filter=${filter}`)).body["items"] as unknown[]).length,
      1,
      "and nothing twice",
    );
    assert.equal((await call("DELETE", "/_emulator/faults")).status, 204);
  });

  void test("a token for another audience, or none, is refused with 401", async () => {
    const armToken = await tokenFor("https://management.azure.com/.default");
    const wrong = await call("GET", "/v1/customers", undefined, { authorization: `Bearer ${armToken}` });
    assert.equal(wrong.status, 401);
    const none = await call("GET", "/v1/customers", undefined, { authorization: "" });
    assert.equal(none.status, 401);
  });
});
