import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { emulatorClient, type EmulatorResponse } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

const API = "api-version=2025-04-01";

void describe("ARM throttling in the emulator (token buckets per subscription, principal and kind)", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let appToken: string;
  const client = () => emulatorClient(emu);

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("emu-throttle"));
    appToken = await client().token(seed, "https://management.azure.com/.default");
  });
  after(async () => {
    await emu.close();
  });

  /** Small buckets; a slow refill (one token per 10 s by default) keeps the counts exact on a busy machine. */
  const limits = (reads: number, writes = 200, deletes = 200, perSecond = 0.1) =>
    client().request("PUT", "/_emulator/arm/throttling", {
      json: {
        reads: { burst: reads, perSecond },
        writes: { burst: writes, perSecond },
        deletes: { burst: deletes, perSecond },
      },
    });

  const arm = (
    method: string,
    pathname: string,
    token = appToken,
    json?: unknown,
  ): Promise<EmulatorResponse> =>
    client().request(method, pathname, { json, headers: { authorization: `Bearer ${token}` } });
  const groups = (token?: string) =>
    arm("GET", `/subscriptions/${seed.subscriptionId}/resourcegroups?${API}`, token);
  const advance = (seconds: number) =>
    client().request("POST", "/_emulator/clock", { json: { advanceSeconds: seconds } });

  void test("the remaining-reads headers count down, an empty bucket answers 429 with Retry-After, and the bucket refills as the clock moves", async () => {
    assert.equal((await limits(3)).status, 200);
    const seen: string[] = [];
    const global: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await groups();
      assert.equal(res.status, 200);
      seen.push(String(res.headers["x-ms-ratelimit-remaining-subscription-reads"]));
      global.push(String(res.headers["x-ms-ratelimit-remaining-subscription-global-reads"]));
    }
    assert.deepEqual(seen, ["2", "1", "0"]);
    assert.deepEqual(global, ["44", "43", "42"], "the subscription-wide bucket is 15 times larger");
    const throttled = await groups();
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers["retry-after"], "10");
    assert.equal((throttled.body["error"] as { code: string }).code, "TooManyRequests");

    await advance(60);
    const refilled = await groups();
    assert.equal(refilled.status, 200);
    assert.equal(refilled.headers["x-ms-ratelimit-remaining-subscription-reads"], "2");
  });

  void test("writes and deletes have buckets of their own, and another principal has its own reads", async () => {
    assert.equal((await limits(1, 2, 2)).status, 200);
    assert.equal((await groups()).status, 200);
    assert.equal((await groups()).status, 429, "reads are spent");
    const put = await arm(
      "PUT",
      `/subscriptions/${seed.subscriptionId}/resourcegroups/rg-throttle?${API}`,
      appToken,
      { location: "westeurope" },
    );
    assert.equal(put.status, 201, JSON.stringify(put.body));
    assert.equal(put.headers["x-ms-ratelimit-remaining-subscription-writes"], "1");
    const del = await arm(
      "DELETE",
      `/subscriptions/${seed.subscriptionId}/resourcegroups/rg-throttle?${API}`,
    );
    assert.equal(del.status, 202);
    assert.equal(del.headers["x-ms-ratelimit-remaining-subscription-deletes"], "1");

    const user = await client().request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "password",
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        username: seed.partnerAdmin.userName,
        password: seed.partnerAdmin.password,
        scope: "https://management.azure.com/user_impersonation",
      },
    });
    const asUser = await groups(String(user.body["access_token"]));
    assert.equal(asUser.status, 200, "the admin's reads are not the app's");
    assert.equal(asUser.headers["x-ms-ratelimit-remaining-subscription-reads"], "0");
    assert.equal(asUser.headers["x-ms-ratelimit-remaining-subscription-global-reads"], "13");
  });

  void test("calls outside a subscription carry the tenant's remaining reads", async () => {
    assert.equal((await limits(5)).status, 200);
    const res = await arm("GET", "/subscriptions?api-version=2022-12-01");
    assert.equal(res.status, 200);
    assert.equal(res.headers["x-ms-ratelimit-remaining-tenant-reads"], "4");
  });

  void test("@azure/arm-resources still lists resource groups, waiting out 429s by Retry-After when the buckets are small", async () => {
    assert.equal((await limits(2, 2, 2, 1)).status, 200);
    const got = await client().probe("test/support/azure-arm-probe.ts", [
      seed.tenantId,
      seed.clientId,
      seed.clientSecret,
      seed.subscriptionId,
    ]);
    assert.equal(got["ok"], true, JSON.stringify(got));
    assert.ok((got["groups"] as string[]).includes("rg-Probe"));
  });
});
