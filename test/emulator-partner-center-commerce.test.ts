import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { emulatorClient, type EmulatorResponse } from "./support/emulator-client.ts";
import { startEmulator, type DemoSeed, type EmulatorOptions } from "../src/emulator/index.ts";

type Res = EmulatorResponse;
type Item = Record<string, unknown>;

const MCA_TEMPLATE = "117a77b0-9360-443b-8795-c6dedc750cf9";
const ARM_APP = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
const PC_SCOPE = "https://api.partnercenter.microsoft.com";

const itemsOf = (res: Res) => res.body["items"] as Item[];
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

/**
 * A CSP partner's onboarding automation against one emulator: an app-only token and an app+user token (the partner's
 * Global Administrator through the password grant), both for Partner Center.
 */
async function partnerWorld(settings: EmulatorOptions["partnerCenter"]) {
  const emu = await startEmulator({
    dataDir: await mkdtemp(path.join(os.tmpdir(), "pc-emu-commerce-")),
    port: 0,
    host: "127.0.0.1",
    partnerCenter: settings,
  });
  const seeded = emu.seedDemo();
  assert.ok(seeded);
  const seed: DemoSeed = seeded;
  const client = emulatorClient(emu);
  const appToken = await client.token(seed, `${PC_SCOPE}/.default`);
  const userTokenRes = await client.request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
    form: {
      grant_type: "password",
      username: seed.partnerAdmin.userName,
      password: seed.partnerAdmin.password,
      client_id: seed.clientId,
      client_secret: seed.clientSecret,
      scope: `${PC_SCOPE}/user_impersonation`,
    },
  });
  const userToken = String(userTokenRes.body["access_token"]);

  const call = (
    method: string,
    pathname: string,
    body?: unknown,
    opts: { token?: string; headers?: Record<string, string> } = {},
  ): Promise<Res> =>
    client.request(method, pathname, {
      json: body,
      headers: {
        authorization: `Bearer ${opts.token ?? appToken}`,
        "ms-requestid": randomUUID(),
        ...opts.headers,
      },
    });
  const asUser = { token: userToken };

  let customers = 0;
  async function createCustomer(country = "US"): Promise<string> {
    customers++;
    const prefix = `commerce${customers}${randomUUID().slice(0, 6)}`;
    const address =
      country === "GB"
        ? { addressLine1: "1 Kingsway", city: "London", postalCode: "WC2B 6AA", country: "GB" }
        : { addressLine1: "1 Microsoft Way", city: "Redmond", state: "WA", postalCode: "98052", country };
    const res = await call("POST", "/v1/customers", {
      companyProfile: { domain: `${prefix}.onmicrosoft.com` },
      billingProfile: {
        email: `ap@${prefix}.example`,
        culture: "en-US",
        language: "en",
        companyName: `${prefix} Ltd`,
        defaultAddress: { firstName: "Ada", lastName: "Ng", ...address },
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return String(res.body["id"]);
  }

  const contact = {
    firstName: "Ada",
    lastName: "Ng",
    email: "ada.ng@fabrikam.example",
    phoneNumber: "4255550100",
  };
  const attest = (customerId: string, primaryContact: Item = contact, token = userToken) =>
    call(
      "POST",
      `/v1/customers/${customerId}/agreements`,
      {
        primaryContact,
        templateId: MCA_TEMPLATE,
        dateAgreed: "2026-01-07T00:00:00.000Z",
        type: "MicrosoftCustomerAgreement",
      },
      { token },
    );

  async function azurePlanItem(customerId: string): Promise<string> {
    const availabilities = await call(
      "GET",
      `/v1/customers/${customerId}/products/DZH318Z0BPS6/skus/0001/availabilities`,
    );
    assert.equal(availabilities.status, 200, JSON.stringify(availabilities.body));
    return String(itemsOf(availabilities)[0]?.["catalogItemId"]);
  }

  const cartOf = async (customerId: string, catalogItemId: string) =>
    call("POST", `/v1/customers/${customerId}/carts`, {
      lineItems: [
        { id: 0, catalogItemId, quantity: 1, billingCycle: "one_time", friendlyName: "Azure plan" },
      ],
    });

  /** Attests MCA, buys an Azure plan through a cart, and lets provisioning finish; returns the order. */
  async function buyAzurePlan(customerId: string): Promise<Item> {
    assert.equal((await attest(customerId)).status, 201);
    const cart = await cartOf(customerId, await azurePlanItem(customerId));
    assert.equal(cart.status, 201, JSON.stringify(cart.body));
    const checkout = await call(
      "POST",
      `/v1/customers/${customerId}/carts/${String(cart.body["id"])}/checkout`,
    );
    assert.equal(checkout.status, 201, JSON.stringify(checkout.body));
    const order = (checkout.body["orders"] as Item[])[0];
    assert.ok(order);
    await advance(settings?.provisioningDelaySeconds ?? 5);
    return order;
  }

  const advance = async (seconds: number) =>
    assert.equal((await call("POST", "/_emulator/clock", { advanceSeconds: seconds })).status, 200);

  /** An app-only token the partner's app gets in a customer's tenant (possible once it was consented there). */
  const tokenIn = (tenantId: string, scope: string) =>
    client.request("POST", `/${tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "client_credentials",
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        scope,
      },
    });

  const consentArm = (customerId: string) =>
    call("POST", `/v1/customers/${customerId}/applicationconsents`, {
      applicationId: seed.clientId,
      applicationGrants: [{ enterpriseApplicationId: ARM_APP, scope: "user_impersonation" }],
      displayName: "Partner Cloud",
    });

  return {
    emu,
    seed,
    call,
    asUser,
    userToken,
    createCustomer,
    attest,
    contact,
    azurePlanItem,
    cartOf,
    buyAzurePlan,
    advance,
    tokenIn,
    consentArm,
  };
}

void describe("the emulated Partner Center (commerce)", () => {
  let w: Awaited<ReturnType<typeof partnerWorld>>;

  before(async () => {
    w = await partnerWorld({ provisioningDelaySeconds: 5 });
  });
  after(async () => {
    await w.emu.close();
  });

  void test("a full Azure-plan purchase ends with one subscription, one entitlement, and an Azure subscription the partner's app sees through ARM in the customer's tenant", async () => {
    const { call, asUser } = w;
    const customerId = await w.createCustomer();
    const armScope = "https://management.azure.com/.default";
    assert.equal((await w.tokenIn(customerId, armScope)).status, 400, "no app-only token before consent");

    const consent = await w.consentArm(customerId);
    assert.equal(consent.status, 201, JSON.stringify(consent.body));
    assert.equal(consent.body["applicationId"], w.seed.clientId);
    assert.deepEqual(consent.body["applicationGrants"], [
      { enterpriseApplicationId: ARM_APP, scope: "user_impersonation" },
    ]);
    const consents = await call("GET", `/v1/customers/${customerId}/applicationconsents`);
    assert.equal(itemsOf(consents).length, 1);

    const metadata = await call(
      "GET",
      "/v1/agreements?agreementType=MicrosoftCustomerAgreement",
      undefined,
      asUser,
    );
    assert.equal(metadata.status, 200, JSON.stringify(metadata.body));
    assert.equal(itemsOf(metadata)[0]?.["templateId"], MCA_TEMPLATE);
    const attested = await w.attest(customerId);
    assert.equal(attested.status, 201, JSON.stringify(attested.body));
    assert.equal(attested.body["userId"], claimsOf(w.userToken)["oid"], "the attesting partner user");
    const readBack = await call(
      "GET",
      `/v1/customers/${customerId}/agreements?agreementType=MicrosoftCustomerAgreement`,
      undefined,
      asUser,
    );
    assert.equal(itemsOf(readBack).length, 1);

    const products = await call("GET", `/v1/customers/${customerId}/products?targetView=MicrosoftAzure`);
    assert.equal(itemsOf(products)[0]?.["id"], "DZH318Z0BPS6");
    const skus = await call("GET", `/v1/customers/${customerId}/products/DZH318Z0BPS6/skus`);
    assert.deepEqual(itemsOf(skus)[0]?.["purchasePrerequisites"], ["MicrosoftCustomerAgreement"]);
    const catalogItemId = await w.azurePlanItem(customerId);
    assert.match(catalogItemId, /^DZH318Z0BPS6:0001:[A-Z0-9]+$/);

    const cart = await w.cartOf(customerId, catalogItemId);
    assert.equal(cart.status, 201, JSON.stringify(cart.body));
    assert.equal(cart.body["status"], "Active");
    assert.equal(
      Date.parse(String(cart.body["expirationTimestamp"])) -
        Date.parse(String(cart.body["creationTimestamp"])),
      15 * 60_000,
    );
    const line = (cart.body["lineItems"] as Item[])[0];
    assert.equal(typeof line?.["orderGroup"], "string");
    assert.equal(line?.["error"], undefined);

    const checkout = await call(
      "POST",
      `/v1/customers/${customerId}/carts/${String(cart.body["id"])}/checkout`,
    );
    assert.equal(checkout.status, 201, JSON.stringify(checkout.body));
    assert.deepEqual(checkout.body["orderErrors"], []);
    const order = (checkout.body["orders"] as Item[])[0] ?? {};
    assert.equal(order["status"], "pending");
    const orderPath = `/v1/customers/${customerId}/orders/${String(order["id"])}`;
    assert.equal(itemsOf(await call("GET", `/v1/customers/${customerId}/subscriptions`)).length, 0);

    await w.advance(5);
    const completed = await call("GET", orderPath);
    assert.equal(completed.body["status"], "completed");
    const provisioning = await call("GET", `${orderPath}/provisioningstatus`);
    assert.equal(itemsOf(provisioning)[0]?.["status"], "fulfilled");

    const subscriptions = await call(
      "GET",
      `/v1/customers/${customerId}/subscriptions?order_id=${String(order["id"])}`,
    );
    assert.equal(itemsOf(subscriptions).length, 1);
    const plan = itemsOf(subscriptions)[0] ?? {};
    assert.equal(plan["offerId"], catalogItemId);
    assert.equal(plan["offerName"], "Azure plan");
    assert.equal(plan["unitType"], "Usage-based");
    assert.equal(plan["billingType"], "usage");
    assert.equal(plan["status"], "active");
    assert.match(String(plan["commitmentEndDate"]), /^9999-12-31/);
    const orderLine = ((completed.body["lineItems"] as Item[])[0] ?? {})["subscriptionId"];
    assert.equal(orderLine, plan["id"], "the order line names the subscription once provisioned");

    const entitlements = await call(
      "GET",
      `/v1/customers/${customerId}/subscriptions/${String(plan["id"])}/azureEntitlements`,
    );
    assert.equal(itemsOf(entitlements).length, 1);
    const azureSubscriptionId = String(itemsOf(entitlements)[0]?.["id"]);

    const armToken = await w.tokenIn(customerId, armScope);
    assert.equal(armToken.status, 200, JSON.stringify(armToken.body));
    const arm = await call("GET", "/subscriptions?api-version=2022-12-01", undefined, {
      token: String(armToken.body["access_token"]),
    });
    assert.equal(arm.status, 200, JSON.stringify(arm.body));
    const visible = (arm.body["value"] as Item[]).map((s) => s["subscriptionId"]);
    assert.deepEqual(visible, [azureSubscriptionId]);

    await w.advance(2 * 86_400);
    const usage: Item[] = [];
    for (const period of ["previous", "current"]) {
      const page = await call(
        "GET",
        `/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=${period}&size=2000`,
      );
      assert.equal(page.status, 200, JSON.stringify(page.body));
      usage.push(...itemsOf(page).filter((r) => r["entitlementId"] === azureSubscriptionId));
    }
    assert.ok(usage.length > 0, "the new Azure subscription meters usage");
    assert.ok(
      usage.every((r) => r["subscriptionId"] === plan["id"]),
      "billed under the Azure plan that was ordered",
    );
  });

  void test("MCA attestation, its metadata and the reseller link need an App+User token; the same contact attested twice is 600061", async () => {
    const { call, asUser } = w;
    const customerId = await w.createCustomer();
    const refused = await call("POST", `/v1/customers/${customerId}/agreements`, {
      primaryContact: w.contact,
      templateId: MCA_TEMPLATE,
      dateAgreed: "2026-01-07",
      type: "MicrosoftCustomerAgreement",
    });
    assert.equal(refused.status, 403);
    assert.match(String(refused.body["description"]), /App\+User/);
    assert.equal((await call("GET", "/v1/agreements?agreementType=MicrosoftCustomerAgreement")).status, 403);

    const linkByApp = await call("GET", "/v1/customers/relationshiprequests");
    assert.equal(linkByApp.status, 403);
    const link = await call("GET", "/v1/customers/relationshiprequests", undefined, asUser);
    assert.equal(link.status, 200, JSON.stringify(link.body));
    assert.equal(
      link.body["url"],
      `${w.emu.baseUrl}/admin/partner-invitation?invType=ResellerRelationship&partnerId=${w.seed.tenantId}&msppId=0&DAP=false`,
    );
    assert.deepEqual(link.body["attributes"], { objectType: "RelationshipRequest" });

    assert.equal((await w.attest(customerId)).status, 201);
    const again = await w.attest(customerId);
    assert.equal(again.status, 409);
    assert.equal(again.body["code"], 600061);
    assert.equal(again.body["errorName"], "PartnerConfirmedAgreementAlreadyExists");
    assert.equal((await w.attest(customerId, { ...w.contact, phoneNumber: "4255550199" })).status, 201);

    const invalid = await call(
      "POST",
      `/v1/customers/${customerId}/agreements`,
      {
        primaryContact: { firstName: "Ada" },
        templateId: "not-a-template",
        dateAgreed: "2026-01-07",
        type: "MicrosoftCustomerAgreement",
      },
      asUser,
    );
    assert.equal(invalid.status, 400);
    assert.match(String(invalid.body["description"]), /primaryContact\.lastName/);
  });

  void test("checkout is refused without MCA (13605), a cart is checked out once (800065), and a second Azure plan is refused", async () => {
    const { call } = w;
    const customerId = await w.createCustomer();
    const item = await w.azurePlanItem(customerId);
    const cart = await w.cartOf(customerId, item);
    const checkoutPath = `/v1/customers/${customerId}/carts/${String(cart.body["id"])}/checkout`;
    const noMca = await call("POST", checkoutPath);
    assert.equal(noMca.status, 403);
    assert.equal(noMca.body["code"], 13605);

    assert.equal((await w.attest(customerId)).status, 201);
    assert.equal((await call("POST", checkoutPath)).status, 201);
    const twice = await call("POST", checkoutPath);
    assert.equal(twice.status, 400);
    assert.equal(twice.body["code"], 800065);

    const second = await w.cartOf(customerId, item);
    assert.equal(second.status, 201);
    const secondLine = (second.body["lineItems"] as Item[])[0] ?? {};
    assert.equal((secondLine["error"] as Item | undefined)?.["errorCode"], 10002);
    const refused = await call(
      "POST",
      `/v1/customers/${customerId}/carts/${String(second.body["id"])}/checkout`,
    );
    assert.equal(refused.status, 201);
    assert.deepEqual(refused.body["orders"], []);
    assert.equal(((refused.body["orderErrors"] as Item[])[0] ?? {})["code"], 10002);
    const direct = await call("POST", `/v1/customers/${customerId}/orders`, {
      lineItems: [{ lineItemNumber: 0, offerId: item, quantity: 1 }],
      billingCycle: "one_time",
    });
    assert.equal(direct.status, 400, "a direct order for a second Azure plan is refused too");
    assert.equal(itemsOf(await call("GET", `/v1/customers/${customerId}/orders`)).length, 1);

    const unknown = await w.cartOf(customerId, "DZH318Z0BPS6:0001:NOSUCHITEM01");
    assert.equal(
      ((unknown.body["lineItems"] as Item[])[0]?.["error"] as Item | undefined)?.["errorCode"],
      10001,
    );
  });

  void test("a checkout repeated with the same MS-RequestId yields one order, also when the first answer was dropped", async () => {
    const { call } = w;
    const customerId = await w.createCustomer();
    assert.equal((await w.attest(customerId)).status, 201);
    const cart = await w.cartOf(customerId, await w.azurePlanItem(customerId));
    const checkoutPath = `/v1/customers/${customerId}/carts/${String(cart.body["id"])}/checkout`;
    const fault = await call("POST", "/_emulator/faults", {
      route: "POST /v1/customers/:id/carts/:cartId/checkout",
      kind: "drop-after",
    });
    assert.equal(fault.status, 201, JSON.stringify(fault.body));
    const requestId = randomUUID();
    const headers = { "ms-requestid": requestId };
    await assert.rejects(call("POST", checkoutPath, undefined, { headers }), "the connection is cut");
    const retried = await call("POST", checkoutPath, undefined, { headers });
    assert.equal(retried.status, 201, "the retry gets the first answer, not 800065");
    const again = await call("POST", checkoutPath, undefined, { headers });
    assert.deepEqual(again.body, retried.body);
    assert.equal(itemsOf(await call("GET", `/v1/customers/${customerId}/orders`)).length, 1);

    const cartId = randomUUID();
    const first = await call(
      "POST",
      `/v1/customers/${customerId}/applicationconsents`,
      {
        applicationId: w.seed.clientId,
        applicationGrants: [{ enterpriseApplicationId: ARM_APP, scope: "user_impersonation" }],
      },
      { headers: { "ms-requestid": cartId } },
    );
    assert.equal(first.status, 201);
    const otherBody = await call(
      "POST",
      `/v1/customers/${customerId}/applicationconsents`,
      {
        applicationId: w.seed.clientId,
        applicationGrants: [
          { enterpriseApplicationId: "00000003-0000-0000-c000-000000000000", scope: "Directory.Read.All" },
        ],
      },
      { headers: { "ms-requestid": cartId } },
    );
    assert.equal(otherBody.status, 409, "the same MS-RequestId with another body");
  });

  void test("an Azure plan with an active Azure subscription cannot be suspended (900115); cancelling the entitlement disables the ARM subscription", async () => {
    const { call } = w;
    const customerId = await w.createCustomer();
    assert.equal((await w.consentArm(customerId)).status, 201);
    const order = await w.buyAzurePlan(customerId);
    const plan =
      itemsOf(
        await call("GET", `/v1/customers/${customerId}/subscriptions?order_id=${String(order["id"])}`),
      )[0] ?? {};
    const planPath = `/v1/customers/${customerId}/subscriptions/${String(plan["id"])}`;
    const etag = String((plan["attributes"] as Item)["etag"]);

    const suspend = await call(
      "PATCH",
      planPath,
      { ...plan, status: "suspended" },
      { headers: { "if-match": etag } },
    );
    assert.equal(suspend.status, 403);
    assert.equal(suspend.body["code"], 900115);

    const entitlementId = String(itemsOf(await call("GET", `${planPath}/azureEntitlements`))[0]?.["id"]);
    const badReason = await call("POST", `${planPath}/azureEntitlements/${entitlementId}/cancel`, {
      cancellationReason: "bored",
    });
    assert.equal(badReason.status, 400);
    assert.equal(badReason.body["code"], 900307);
    const unknown = await call("POST", `${planPath}/azureEntitlements/${randomUUID()}/cancel`, {
      cancellationReason: "compromise",
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body["code"], 800111);
    const cancelled = await call("POST", `${planPath}/azureEntitlements/${entitlementId}/cancel`, {
      cancellationReason: "compromise",
    });
    assert.equal(cancelled.status, 202, JSON.stringify(cancelled.body));

    const armToken = await w.tokenIn(customerId, "https://management.azure.com/.default");
    const arm = await call("GET", `/subscriptions/${entitlementId}?api-version=2022-12-01`, undefined, {
      token: String(armToken.body["access_token"]),
    });
    assert.equal(arm.status, 200, JSON.stringify(arm.body));
    assert.equal(arm.body["state"], "Disabled");
    const entitlement = await call("GET", `${planPath}/azureEntitlements/${entitlementId}`);
    assert.equal(entitlement.body["status"], "inactive");

    const stale = await call(
      "PATCH",
      planPath,
      { status: "suspended" },
      { headers: { "if-match": "c3RhbGU=" } },
    );
    assert.equal(stale.status, 412, "a stale etag");
    const suspended = await call(
      "PATCH",
      planPath,
      { status: "suspended" },
      { headers: { "if-match": etag } },
    );
    assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
    assert.equal(suspended.body["status"], "suspended");
    assert.notEqual((suspended.body["attributes"] as Item)["etag"], etag, "a new etag after the change");
  });

  void test("a cart is updated while it is active, expires 15 minutes after its last change, and cannot then be checked out", async () => {
    const { call } = w;
    const customerId = await w.createCustomer();
    assert.equal((await w.attest(customerId)).status, 201);
    const item = await w.azurePlanItem(customerId);
    const created = await w.cartOf(customerId, "DZH318Z0BPS6:0001:NOSUCHITEM01");
    const cartPath = `/v1/customers/${customerId}/carts/${String(created.body["id"])}`;
    await w.advance(10 * 60);
    const updated = await call("PUT", cartPath, {
      lineItems: [{ id: 0, catalogItemId: item, quantity: 1, billingCycle: "one_time" }],
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(
      (updated.body["lineItems"] as Item[])[0]?.["error"],
      undefined,
      "the corrected line has no error",
    );
    assert.equal(
      Date.parse(String(updated.body["expirationTimestamp"])) -
        Date.parse(String(updated.body["lastModifiedTimestamp"])),
      15 * 60_000,
    );
    assert.equal(
      (await call("GET", cartPath)).body["lastModifiedTimestamp"],
      updated.body["lastModifiedTimestamp"],
    );
    await w.advance(15 * 60 + 1);
    const expired = await call("POST", `${cartPath}/checkout`);
    assert.equal(expired.status, 400);
    assert.match(String(expired.body["description"]), /expired/);
    assert.equal(itemsOf(await call("GET", `/v1/customers/${customerId}/orders`)).length, 0);
  });

  void test("deleting an application consent takes away the partner's app-only tokens in the customer's tenant", async () => {
    const { call } = w;
    const customerId = await w.createCustomer();
    const scope = "https://management.azure.com/.default";
    assert.equal((await w.consentArm(customerId)).status, 201);
    assert.equal((await w.tokenIn(customerId, scope)).status, 200);
    const removed = await call(
      "DELETE",
      `/v1/customers/${customerId}/applicationconsents/${w.seed.clientId}`,
    );
    assert.equal(removed.status, 204);
    assert.equal(itemsOf(await call("GET", `/v1/customers/${customerId}/applicationconsents`)).length, 0);
    assert.equal((await w.tokenIn(customerId, scope)).status, 400);
    const again = await call("DELETE", `/v1/customers/${customerId}/applicationconsents/${w.seed.clientId}`);
    assert.equal(again.status, 404);
    const invalid = await call("POST", `/v1/customers/${customerId}/applicationconsents`, {
      applicationId: w.seed.clientId,
      applicationGrants: [],
    });
    assert.equal(invalid.status, 400);
  });

  void test("refusals use Partner Center's codes: malformed id 800002, unknown customer 1000, another partner's customer 20002, unknown subscription 20003 and order 20000, unknown catalog entries 400013/400018/400019", async () => {
    const { call } = w;
    const codeOf = async (pathname: string) => {
      const res = await call("GET", pathname);
      return [res.status, res.body["code"]];
    };
    assert.deepEqual(await codeOf("/v1/customers/not-a-guid/subscriptions"), [400, 800002]);
    assert.deepEqual(await codeOf(`/v1/customers/${randomUUID()}/subscriptions`), [404, 1000]);
    const scenario = await call("POST", "/_emulator/scenarios", {
      scenario: "existing-tenant",
      domainPrefix: `elsewhere${randomUUID().slice(0, 6)}`,
      otherPartner: "Northwind Partner",
    });
    assert.equal(scenario.status, 201, JSON.stringify(scenario.body));
    assert.deepEqual(await codeOf(`/v1/customers/${String(scenario.body["tenantId"])}/orders`), [403, 20002]);

    const customerId = await w.createCustomer("GB");
    assert.deepEqual(await codeOf(`/v1/customers/${customerId}/subscriptions/${randomUUID()}`), [404, 20003]);
    assert.deepEqual(await codeOf(`/v1/customers/${customerId}/orders/nosuchorder`), [404, 20000]);
    assert.deepEqual(await codeOf("/v1/products/NOSUCHPRODUCT?country=US"), [404, 400013]);
    assert.deepEqual(await codeOf("/v1/products/DZH318Z0BPS6/skus/0099?country=US"), [404, 400018]);
    assert.deepEqual(
      await codeOf("/v1/products/DZH318Z0BPS6/skus/0001/availabilities/NOSUCHAVAIL1?country=US"),
      [404, 400019],
    );
    const gb = itemsOf(
      await call("GET", `/v1/customers/${customerId}/products/DZH318Z0BPS6/skus/0001/availabilities`),
    );
    const us = itemsOf(await call("GET", "/v1/products/DZH318Z0BPS6/skus/0001/availabilities?country=US"));
    assert.equal(gb[0]?.["country"], "GB", "a customer's market is its billing country");
    assert.notEqual(gb[0]?.["id"], us[0]?.["id"], "each market has its own availability");
  });
});

void describe("the emulated Partner Center's limits and provisioning delay", () => {
  let w: Awaited<ReturnType<typeof partnerWorld>>;

  before(async () => {
    w = await partnerWorld({ provisioningDelaySeconds: 0, requestsPerMinute: 8 });
  });
  after(async () => {
    await w.emu.close();
  });

  void test("past the per-minute limit on the Customer resource the partner gets 429 with Retry-After, and the window frees when the clock moves", async () => {
    await w.advance(60);
    const customerId = await w.createCustomer();
    const statuses: number[] = [];
    let last: Res | undefined;
    for (let i = 0; i < 8; i++) {
      last = await w.call("GET", "/v1/customers");
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 429], "8 a minute, the creation counted");
    const retryAfter = Number(last?.headers["retry-after"]);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.deepEqual(last?.body, {
      statusCode: 429,
      message: `Rate limit is exceeded. Try again in ${retryAfter} seconds.`,
    });
    assert.equal(
      (await w.call("GET", "/v1/products?country=US&targetView=MicrosoftAzure")).status,
      200,
      "the catalog is not limited",
    );
    const subscriptions = await w.call("GET", `/v1/customers/${customerId}/subscriptions`);
    assert.equal(subscriptions.status, 200, "the Subscription resource has its own limit");
    await w.advance(retryAfter);
    assert.equal((await w.call("GET", "/v1/customers")).status, 200);
  });

  void test("with no provisioning delay a direct order completes at once and its Azure plan is there", async () => {
    await w.advance(60);
    const customerId = await w.createCustomer();
    assert.equal((await w.attest(customerId)).status, 201);
    const item = await w.azurePlanItem(customerId);
    const order = await w.call("POST", `/v1/customers/${customerId}/orders`, {
      lineItems: [{ lineItemNumber: 0, offerId: item, quantity: 1, friendlyName: "Production" }],
      billingCycle: "one_time",
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal(order.body["status"], "completed");
    const subscriptions = itemsOf(await w.call("GET", `/v1/customers/${customerId}/subscriptions`));
    assert.equal(subscriptions[0]?.["friendlyName"], "Production");
  });
});
