import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { emulatorClient } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

type Res = { status: number; body: Record<string, unknown> };

void describe("the emulated partner cloud (API v2)", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("emu-pc"));
  });
  after(async () => {
    await emu.close();
  });

  const call = (method: string, pathname: string, body?: unknown, token?: string): Promise<Res> =>
    emulatorClient(emu).request(method, pathname, {
      json: body,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  async function login(
    username = seed.partnerCloud.userName,
    password = seed.partnerCloud.password,
  ): Promise<Res> {
    return call("POST", "/v2/authentication/login", { username, password });
  }

  void test("login returns the user's account alias, roles and a bearer token; bad credentials get 400 with a message", async () => {
    const ok = await login();
    assert.equal(ok.status, 200);
    assert.equal(ok.body["accountAlias"], "PCLD");
    assert.deepEqual(ok.body["roles"], ["AccountAdmin"]);
    assert.ok(String(ok.body["bearerToken"]).length >= 40);
    const viewer = await login("pcviewer");
    assert.deepEqual(viewer.body["roles"], ["AccountViewer"]);
    const bad = await login("pcadmin", "wrong");
    assert.equal(bad.status, 400);
    assert.match(String(bad.body["message"]), /didn't recognize the username or password/);
  });

  void test("a user reaches their account and every sub-account, each with its country and flags, and nothing else", async () => {
    const token = String((await login()).body["bearerToken"]);
    const listed = await call("GET", "/v2/accounts", undefined, token);
    const accounts = listed.body["accounts"] as {
      accountAlias: string;
      country: string;
      isDemo: boolean;
      isReseller: boolean;
    }[];
    assert.deepEqual(accounts.map((a) => a.accountAlias).sort(), [
      "PCCA",
      "PCDE",
      "PCLD",
      "PCUK",
      "PDMO",
      "PINT",
      "PRSL",
    ]);
    assert.equal(accounts.find((a) => a.accountAlias === "PCDE")?.country, "DE");
    assert.equal(accounts.find((a) => a.accountAlias === "PDMO")?.isDemo, true);
    assert.equal(accounts.find((a) => a.accountAlias === "PRSL")?.isReseller, true);
    const one = await call("GET", "/v2/accounts/pcuk", undefined, token);
    assert.equal(one.status, 200);
    assert.equal(one.body["parentAlias"], "PCLD");
    assert.equal((await call("GET", "/v2/accounts/NOPE", undefined, token)).status, 404);
    assert.equal((await call("GET", "/v2/accounts")).status, 401);
  });

  void test("line items posted to an account's month appear on its invoice with an exact total", async () => {
    const token = String((await login()).body["bearerToken"]);
    const line = (itemTotal: string) => ({
      quantity: 1,
      description: "Integrated Azure Services Usage",
      unitCost: itemTotal,
      itemTotal,
      serviceLocation: "US",
    });
    assert.equal(
      (await call("POST", "/v2/invoice/PCLD/2026/10/lineItems", line("1234.10"), token)).status,
      201,
    );
    assert.equal((await call("POST", "/v2/invoice/PCLD/2026/10/lineItems", line("0.20"), token)).status, 201);
    assert.equal(
      (await call("POST", "/v2/invoice/PCLD/2026/10/lineItems", { ...line("1.005") }, token)).status,
      400,
      "at most two decimals",
    );
    const invoice = await call("GET", "/v2/invoice/PCLD/2026/10", undefined, token);
    assert.equal(invoice.status, 200);
    assert.equal(invoice.body["totalAmount"], "1234.30");
    assert.equal((invoice.body["lineItems"] as unknown[]).length, 2);
    assert.equal(invoice.body["companyName"], "Contoso Manufacturing");
    const other = await call("GET", "/v2/invoice/PCLD/2026/9", undefined, token);
    assert.equal(other.body["totalAmount"], "0.00");
    assert.equal((await call("GET", "/v2/invoice/PCLD/2026/13", undefined, token)).status, 400);
  });
});
