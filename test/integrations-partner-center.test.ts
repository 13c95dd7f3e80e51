import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import {
  createEntraTokenSource,
  microsoftResources,
  type TokenSource,
} from "../src/integrations/entra/index.ts";
import { createHttpClient } from "../src/integrations/http/index.ts";
import {
  createPartnerCenter,
  type NewCustomer,
  type PartnerCenter,
  type PartnerCenterError,
  type PartnerCenterErrorCode,
} from "../src/integrations/partner-center/index.ts";
import { systemClock } from "../src/platform/clock.ts";
import type { Result } from "../src/platform/result.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

type Sent = { method: string; url: string; status: number | null; at: number };

void describe("the Partner Center adapter against the emulator", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let ca: string;
  let tokens: TokenSource;
  let pc: PartnerCenter;
  /** What the HTTP client reports having sent, in order: its own request log, not a mock. */
  const sent: Sent[] = [];

  const newCustomer = (prefix: string, address: Partial<NewCustomer["address"]> = {}): NewCustomer => ({
    domain: `${prefix}.onmicrosoft.com`,
    companyName: `${prefix} Ltd`,
    billingEmail: `ap@${prefix}.example`,
    culture: "en-US",
    language: "en",
    contact: { firstName: "Ada", lastName: "Ng", email: `ada@${prefix}.example`, phoneNumber: "4255550100" },
    address: {
      addressLine1: "1 Microsoft Way",
      city: "Redmond",
      state: "WA",
      postalCode: "98052",
      country: "US",
      ...address,
    },
  });

  const adapter = (t: TokenSource, customerPageSize = 100) =>
    createPartnerCenter({
      http: createHttpClient({
        baseUrl: emu.baseUrl,
        ca,
        timeoutMs: 5_000,
        log: {
          debug: (o: { method?: string; url?: string; status?: number }) => {
            sent.push({ method: o.method ?? "", url: o.url ?? "", status: o.status ?? null, at: Date.now() });
          },
          warn: (o: { method?: string; url?: string }) => {
            sent.push({ method: o.method ?? "", url: o.url ?? "", status: null, at: Date.now() });
          },
        },
      }),
      tokens: t,
      partnerTenantId: seed.tenantId,
      clock: systemClock,
      rateLimit: { perMinute: 6000, burst: 100 },
      customerPageSize,
    });

  const fault = async (rule: Record<string, unknown>) => {
    const res = await emulatorClient(emu).request("POST", "/_emulator/faults", { json: rule });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };

  const failure = async <T>(call: Promise<Result<T, PartnerCenterError>>) => {
    const r = await call;
    return r.ok ? null : r.error;
  };

  const value = async <T>(call: Promise<Result<T, PartnerCenterError>>): Promise<T> => {
    const r = await call;
    assert.ok(r.ok, JSON.stringify(r));
    return r.value;
  };

  /** A customer with an attested agreement and a provisioned Azure plan: the Partner Center subscription and its Azure subscription. */
  const withAzurePlan = async (prefix: string) => {
    const input = newCustomer(prefix);
    const created = await value(pc.createCustomer(input, { idempotencyKey: `wf_${prefix}:create-customer` }));
    await value(pc.attestCustomerAgreement(created.customerId, input.contact, new Date()));
    const offer = await value(pc.azurePlanCatalogItem(created.customerId));
    const cart = await value(
      pc.createCart(created.customerId, { catalogItemId: offer.catalogItemId, friendlyName: "Azure plan" }),
    );
    const [order] = await value(pc.checkout(created.customerId, cart.cartId));
    assert.ok(order);
    await emulatorClient(emu).request("POST", "/_emulator/clock", { json: { advanceSeconds: 60 } });
    const plan = (await value(pc.order(created.customerId, order.orderId))).lines[0]?.subscriptionId;
    assert.ok(plan);
    const [azure] = await value(pc.azureEntitlements(created.customerId, plan));
    assert.ok(azure);
    return { customerId: created.customerId, plan, azureSubscriptionId: azure.azureSubscriptionId };
  };

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("int-pcenter"));
    ca = await readFile(emu.caPath, "utf8");
    // The partner's administrator signs in once; the token source keeps the refresh token (secure application model).
    const signIn = await emulatorClient(emu).request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "password",
        username: seed.partnerAdmin.userName,
        password: seed.partnerAdmin.password,
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        scope: `${microsoftResources.partnerCenter}/user_impersonation offline_access`,
      },
    });
    const issued = signIn.body["refresh_token"];
    let refreshToken = typeof issued === "string" ? issued : "";
    assert.ok(refreshToken, JSON.stringify(signIn.body));
    tokens = createEntraTokenSource({
      http: createHttpClient({ baseUrl: emu.baseUrl, ca }),
      partnerTenantId: seed.tenantId,
      clientId: seed.clientId,
      clientSecret: seed.clientSecret,
      clock: systemClock,
      refreshTokens: {
        current: () => Promise.resolve(refreshToken),
        rotated: (t) => {
          refreshToken = t;
          return Promise.resolve();
        },
      },
    });
    pc = adapter(tokens);
  });
  after(async () => {
    await emu.close();
  });

  void test("a new customer is onboarded end to end: domain, address, customer, agreement, consent, Azure plan, subscription", async () => {
    const input = newCustomer("onboard01");
    assert.equal(await value(pc.isDomainAvailable(input.domain)), true);
    const address = await value(pc.validateAddress(input.address));
    assert.equal(address.valid, true);
    const created = await value(pc.createCustomer(input, { idempotencyKey: "wf_onboard01:create-customer" }));
    assert.equal(created.domain, input.domain);
    assert.equal(created.admin?.userName, "admin");
    assert.equal(await value(pc.isDomainAvailable(input.domain)), false, "the domain is taken now");
    assert.deepEqual(await value(pc.customer(created.customerId)), {
      customerId: created.customerId,
      domain: input.domain,
      companyName: input.companyName,
      relationship: created.relationship,
    });

    const template = await value(pc.customerAgreementTemplate());
    assert.match(template.templateId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(await value(pc.attestCustomerAgreement(created.customerId, input.contact, new Date())), {
      alreadyAttested: false,
    });
    await value(
      pc.consentApplication(created.customerId, seed.clientId, [
        { enterpriseApplicationId: "797f4846-ba00-4fd7-ba43-dac1f8f63013", scopes: ["user_impersonation"] },
      ]),
    );

    const offer = await value(pc.azurePlanCatalogItem(created.customerId));
    assert.match(offer.catalogItemId, /^DZH318Z0BPS6:0001:/);
    const cart = await value(
      pc.createCart(created.customerId, { catalogItemId: offer.catalogItemId, friendlyName: "Azure plan" }),
    );
    const [order] = await value(
      pc.checkout(created.customerId, cart.cartId, { idempotencyKey: "wf_onboard01:checkout" }),
    );
    assert.ok(order);
    assert.equal(
      (
        await failure(
          pc.checkout(created.customerId, cart.cartId, { idempotencyKey: "wf_onboard01:checkout-again" }),
        )
      )?.code,
      "cart_already_submitted",
    );
    await emulatorClient(emu).request("POST", "/_emulator/clock", { json: { advanceSeconds: 60 } });
    const provisioned = await value(pc.order(created.customerId, order.orderId));
    assert.equal(provisioned.status, "completed");
    const plan = provisioned.lines[0]?.subscriptionId;
    assert.ok(plan);
    const subscriptions = await value(pc.subscriptions(created.customerId));
    assert.deepEqual(
      subscriptions.map((s) => [s.subscriptionId, s.status]),
      [[plan, "active"]],
    );
    const entitlements = await value(pc.azureEntitlements(created.customerId, plan));
    assert.equal(entitlements.length, 1);
    assert.equal(entitlements[0]?.status, "active");
  });

  void test("the reseller relationship link names this partner (App+User)", async () => {
    const link = await value(pc.relationshipRequestLink());
    assert.match(link, new RegExp(`partnerId=${seed.tenantId}`));
    assert.match(link, /invType=ResellerRelationship/);
  });

  void test("a customer search follows links.next across three pages and finds every match", async () => {
    for (let i = 0; i < 7; i++)
      await value(
        pc.createCustomer(newCustomer(`pagey${i}`), { idempotencyKey: `wf_pagey${i}:create-customer` }),
      );
    const before = sent.length;
    const found = await value(adapter(tokens, 3).findCustomersByDomain("pagey"));
    assert.deepEqual(
      found.map((c) => c.domain).sort(),
      [0, 1, 2, 3, 4, 5, 6].map((i) => `pagey${i}.onmicrosoft.com`),
    );
    const pages = sent.slice(before).filter((s) => s.method === "GET" && s.url.includes("/v1/customers"));
    assert.equal(pages.length, 3);
    assert.equal(pages.filter((p) => p.url.includes("seekOperation=Next")).length, 2);
  });

  void test("a 429 is retried no earlier than its Retry-After, in real time, and then succeeds", async () => {
    const created = await value(
      pc.createCustomer(newCustomer("throttle01"), { idempotencyKey: "wf_throttle01:create" }),
    );
    await fault({ route: "GET /v1/customers/:id", kind: "status", status: 429, retryAfterSeconds: 2 });
    const before = sent.length;
    const started = Date.now();
    const found = await value(pc.customer(created.customerId));
    assert.equal(found.customerId, created.customerId);
    const attempts = sent.slice(before).filter((s) => s.url.includes(`/v1/customers/${created.customerId}`));
    assert.deepEqual(
      attempts.map((a) => a.status),
      [429, 200],
    );
    const [throttled, retried] = attempts;
    assert.ok(throttled && retried);
    assert.ok(retried.at - started >= 2000, `the retry came ${retried.at - started} ms after the call began`);
  });

  void test("a create whose answer is lost is retried with the same MS-RequestId and leaves exactly one customer", async () => {
    await fault({ route: "POST /v1/customers", kind: "drop-after" });
    const before = sent.length;
    const created = await value(
      pc.createCustomer(newCustomer("dropped01"), { idempotencyKey: "wf_dropped01:create" }),
    );
    const posts = sent.slice(before).filter((s) => s.method === "POST");
    assert.deepEqual(
      posts.map((p) => p.status),
      [null, 201],
      "the first answer was lost, the retry got the first outcome",
    );
    const found = await value(pc.findCustomersByDomain("dropped01"));
    assert.deepEqual(
      found.map((c) => c.customerId),
      [created.customerId],
    );
  });

  void test("each Partner Center error met in onboarding becomes our typed error", async () => {
    const taken = await value(
      pc.createCustomer(newCustomer("errors01"), { idempotencyKey: "wf_errors01:create" }),
    );
    const graphTokens: TokenSource = {
      appToken: (tenant) => tokens.appToken(tenant, microsoftResources.graph),
      userToken: () => tokens.userToken(microsoftResources.graph),
    };
    const cases: {
      name: string;
      run: () => Promise<PartnerCenterError | null>;
      code: PartnerCenterErrorCode;
      partnerCenterCode?: string;
    }[] = [
      {
        name: "a taken domain",
        run: () =>
          failure(pc.createCustomer(newCustomer("errors01"), { idempotencyKey: "wf_errors01b:create" })),
        code: "domain_taken",
        partnerCenterCode: "2000",
      },
      {
        name: "an invalid address",
        run: () =>
          failure(
            pc.createCustomer(newCustomer("errors02", { city: "Nowhere", postalCode: "ABCDE" }), {
              idempotencyKey: "wf_errors02:create",
            }),
          ),
        code: "invalid_address",
        partnerCenterCode: "600081",
      },
      {
        name: "a token for another audience",
        run: () => failure(adapter(graphTokens).customer(taken.customerId)),
        code: "partner_center_sign_in_failed",
      },
      {
        name: "an order before the customer agreement",
        run: async () => {
          const offer = await value(pc.azurePlanCatalogItem(taken.customerId));
          const cart = await pc.createCart(taken.customerId, {
            catalogItemId: offer.catalogItemId,
            friendlyName: "x",
          });
          return cart.ok ? failure(pc.checkout(taken.customerId, cart.value.cartId)) : cart.error;
        },
        code: "customer_agreement_missing",
        partnerCenterCode: "13605",
      },
      {
        name: "an unknown customer",
        run: () => failure(pc.customer(randomUUID())),
        code: "not_found",
      },
    ];
    for (const c of cases) {
      const error = await c.run();
      assert.ok(error, `${c.name}: expected a failure`);
      assert.equal(error.code, c.code, `${c.name}: ${error.message}`);
      assert.equal(error.retryable, false, c.name);
      if (c.partnerCenterCode) assert.equal(error.details.partnerCenterCode, c.partnerCenterCode, c.name);
      assert.match(error.details.correlationId, /^[0-9a-f-]{36}$/, `${c.name}: the correlation id is kept`);
    }
    const invalid = await failure(
      pc.createCustomer(newCustomer("errors03", { postalCode: "ABCDE" }), {
        idempotencyKey: "wf_errors03:create",
      }),
    );
    assert.ok(invalid?.details.invalidFields?.includes("postalCode"), JSON.stringify(invalid));

    const contact = newCustomer("errors01").contact;
    assert.deepEqual(await value(pc.attestCustomerAgreement(taken.customerId, contact, new Date())), {
      alreadyAttested: false,
    });
    assert.deepEqual(
      await value(pc.attestCustomerAgreement(taken.customerId, contact, new Date())),
      { alreadyAttested: true },
      "a duplicate attestation (600061) counts as done",
    );
  });
  void test("an Azure plan cannot be suspended while it has an active Azure subscription; once that is cancelled it can, and be reactivated", async () => {
    const { customerId, plan, azureSubscriptionId } = await withAzurePlan("lifecycle01");
    assert.equal((await failure(pc.suspend(customerId, plan)))?.code, "azure_plan_in_use");
    await value(
      pc.cancelEntitlement(customerId, plan, azureSubscriptionId, {
        idempotencyKey: "wf_lifecycle01:cancel",
      }),
    );
    assert.equal((await value(pc.suspend(customerId, plan))).status, "suspended");
    assert.equal((await value(pc.reactivate(customerId, plan))).status, "active");
  });

  void test("unbilled and billed usage stream every row with exact decimal amounts, and invoices are listed", async () => {
    const { customerId } = await withAzurePlan("usage01");
    await emulatorClient(emu).request("POST", "/_emulator/clock", { json: { advanceSeconds: 3 * 86_400 } });
    const unbilled = [];
    for await (const row of pc.unbilledUsage({ period: "current", currency: "USD" }))
      if (row.customerTenantId === customerId) unbilled.push(row);
    assert.ok(unbilled.length > 0, "usage of the days since the plan was bought");
    for (const row of unbilled) {
      assert.match(row.billingPreTaxTotal, /^-?\d+(\.\d+)?$/);
      assert.match(row.usageDate, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(row.invoiceNumber, "");
    }
    assert.ok(
      unbilled.some((r) => r.billingPreTaxTotal.replace(/\D/g, "").replace(/^0+/, "").length > 15),
      "amounts keep more digits than a double holds",
    );

    // A month is invoiced on the 8th of the next (billing-data.md); move past it.
    const now = new Date(
      Date.parse(String((await emulatorClient(emu).request("GET", "/_emulator/clock")).body["now"])),
    );
    const closed = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 9);
    await emulatorClient(emu).request("POST", "/_emulator/clock", {
      json: { advanceSeconds: Math.ceil((closed - now.getTime()) / 1000) },
    });
    const invoices = await value(pc.invoices());
    const invoice = invoices.find((i) => i.currency === "USD");
    assert.ok(invoice, JSON.stringify(invoices));
    assert.match(invoice.totalCharges, /^\d+(\.\d+)?$/);
    let billed = 0;
    for await (const row of pc.billedUsage(invoice.invoiceId, { currency: "USD" })) {
      assert.equal(row.invoiceNumber, invoice.invoiceId);
      billed++;
    }
    assert.ok(billed >= unbilled.length, `${billed} billed rows`);
  });

  void test("the webhook registration is read, registered with POST, replaced with PUT, and a bad one is refused as our error", async () => {
    assert.equal(await value(pc.webhookRegistration()), null, "none before the first registration");
    const events = ["reseller-relationship-accepted-by-customer"];
    const before = sent.length;
    const first = await value(pc.registerWebhook({ url: "https://hooks.example/pc/one", events }));
    assert.deepEqual(first, { url: "https://hooks.example/pc/one", events });
    assert.deepEqual(await value(pc.webhookRegistration()), first);
    const second = await value(
      pc.registerWebhook({ url: "https://hooks.example/pc/two", events: [...events, "test-created"] }),
    );
    assert.deepEqual(second, { url: "https://hooks.example/pc/two", events: [...events, "test-created"] });
    assert.deepEqual(await value(pc.webhookRegistration()), second);
    assert.deepEqual(
      sent
        .slice(before)
        .filter((s) => s.url.includes("/webhooks/v1/registration") && s.method !== "GET")
        .map((s) => [s.method, s.status]),
      [
        ["POST", 200],
        ["PUT", 200],
      ],
    );

    const refused = await failure(pc.registerWebhook({ url: "not a url", events }));
    assert.equal(refused?.code, "partner_center_rejected");
    assert.equal(refused?.retryable, false);
    assert.match(refused?.details.description ?? "", /WebhookUrl/);
    assert.deepEqual(await value(pc.webhookRegistration()), second, "a refused registration changes nothing");
  });

  void test("two processes registering at once both succeed: the one that finds the URL taken replaces it", async () => {
    const token = await emulatorClient(emu).token(seed, "https://api.partnercenter.microsoft.com/.default");
    const removed = await emulatorClient(emu).request("DELETE", "/webhooks/v1/registration", {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(removed.status, 204);
    const events = ["reseller-relationship-accepted-by-customer"];
    const urls = ["https://hooks.example/pc/a", "https://hooks.example/pc/b"];
    const answers = await Promise.all(urls.map((url) => value(pc.registerWebhook({ url, events }))));
    assert.deepEqual(
      answers.map((a) => a.url),
      urls,
    );
    const standing = await value(pc.webhookRegistration());
    assert.ok(standing && urls.includes(standing.url), JSON.stringify(standing));
  });
});
