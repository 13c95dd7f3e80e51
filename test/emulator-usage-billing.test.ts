import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import https from "node:https";
import { gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { emulatorClient } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };
type Row = Record<string, unknown>;
/** A field as text (amounts are read as text already). */
const str = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Amount fields Microsoft sends as JSON numbers: read as text so no digit is lost to a float. */
const AMOUNT =
  /"(unitPrice|quantity|billingPreTaxTotal|pricingPreTaxTotal|effectiveUnitPrice|pcToBCExchangeRate|totalCharges|UnitPrice|Quantity|BillingPreTaxTotal|PricingPreTaxTotal|EffectiveUnitPrice|PCToBCExchangeRate)":(-?\d+(?:\.\d+)?)/g;
const parseExact = (text: string) => JSON.parse(text.replace(AMOUNT, '"$1":"$2"')) as Record<string, unknown>;

/** A decimal's digits as a BigInt at `scale` decimals (a client's exact sum). */
function units(text: unknown, scale: number): bigint {
  assert.equal(typeof text, "string", `an exact amount, got ${String(text)}`);
  const [whole = "0", decimals = ""] = (text as string).split(".");
  assert.ok(decimals.length <= scale, `${String(text)} has more than ${scale} decimals`);
  return BigInt(`${whole}${decimals.padEnd(scale, "0")}`);
}

const DAY_MS = 86_400_000;

void describe("the emulated Azure usage: Partner Center invoices and line items, Graph's billing export", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let appToken: string;
  let userToken: string;
  let graphToken: string;
  /** The month usage starts in (closed and invoiced once the clock has moved) and the open month after it. */
  let billedMonth: string;
  let openMonth: string;

  function raw(
    method: string,
    pathname: string,
    headers: Record<string, string> = {},
    json?: unknown,
  ): Promise<Raw> {
    const url = pathname.startsWith("https://") ? pathname : `${emu.baseUrl}${pathname}`;
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        { method, ca: emulatorClient(emu).ca, headers: { "content-type": "application/json", ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      req.on("error", reject);
      req.end(json === undefined ? undefined : JSON.stringify(json));
    });
  }
  const pc = (pathname: string, token = appToken, headers: Record<string, string> = {}) =>
    raw("GET", `/v1${pathname}`, { authorization: `Bearer ${token}`, ...headers });
  const graph = (method: string, pathname: string, json?: unknown, token = graphToken) =>
    raw(
      method,
      pathname.startsWith("https://") ? pathname : `/v1.0/reports/partners/billing${pathname}`,
      { authorization: `Bearer ${token}` },
      json,
    );
  const advance = (seconds: number) =>
    emulatorClient(emu).request("POST", "/_emulator/clock", { json: { advanceSeconds: Math.ceil(seconds) } });

  /** Every line item of a collection, following links.next with its MS-ContinuationToken; returns the pages. */
  async function allPages(first: string): Promise<Row[][]> {
    const pages: Row[][] = [];
    let next: { uri: string; headers: { key: string; value: string }[] } | undefined = {
      uri: first,
      headers: [],
    };
    while (next) {
      const res = await pc(next.uri, appToken, Object.fromEntries(next.headers.map((h) => [h.key, h.value])));
      assert.equal(res.status, 200, res.body.toString());
      const body = parseExact(res.body.toString()) as {
        totalCount: number;
        items: Row[];
        links: { next?: { uri: string; headers: { key: string; value: string }[] } };
      };
      assert.equal(body.totalCount, body.items.length);
      pages.push(body.items);
      next = body.links.next;
    }
    return pages;
  }

  const rowId = (r: Row) =>
    [
      r["entitlementId"] ?? r["EntitlementId"],
      r["usageDate"] ?? r["UsageDate"],
      r["meterId"] ?? r["MeterId"],
      r["resourceUri"] ?? r["ResourceURI"],
    ]
      .map(str)
      .join("|");
  const total = (rows: Row[], field: string) => rows.reduce((acc, r) => acc + units(r[field], 18), 0n);

  /** Runs a Graph export to its manifest and returns the rows of every blob. */
  async function exportRows(
    kind: "billed" | "unbilled",
    body: unknown,
  ): Promise<{ rows: Row[]; manifest: Record<string, unknown> }> {
    const started = await graph("POST", `/usage/${kind}/export`, body);
    assert.equal(started.status, 202, started.body.toString());
    assert.ok(Number(started.headers["retry-after"]) > 0);
    const location = String(started.headers["location"]);
    assert.match(location, /\/v1\.0\/reports\/partners\/billing\/operations\/[0-9a-f-]{36}$/);
    const running = JSON.parse((await graph("GET", location)).body.toString()) as Record<string, unknown>;
    assert.equal(running["status"], "running");
    assert.equal(running["@odata.type"], "#microsoft.graph.partners.billing.runningOperation");
    await advance(Number(started.headers["retry-after"]) + 1);
    const done = JSON.parse((await graph("GET", location)).body.toString()) as Record<string, unknown>;
    assert.equal(done["status"], "succeeded", JSON.stringify(done));
    const manifestRes = await graph("GET", str(done["resourceLocation@odata.navigationLink"]));
    assert.equal(manifestRes.status, 200);
    const manifest = JSON.parse(manifestRes.body.toString()) as {
      dataFormat: string;
      rootDirectory: string;
      sasToken: string;
      blobCount: number;
      blobs: { name: string }[];
    };
    assert.equal(manifest.dataFormat, "compressedJSONLines");
    assert.equal(manifest.blobCount, manifest.blobs.length);
    const rows: Row[] = [];
    for (const blob of manifest.blobs) {
      const res = await raw("GET", `${manifest.rootDirectory}/${blob.name}?${manifest.sasToken}`);
      assert.equal(res.status, 200, res.body.toString());
      for (const line of gunzipSync(res.body).toString("utf8").split("\n").filter(Boolean))
        rows.push(parseExact(line));
    }
    return { rows, manifest: manifest as unknown as Record<string, unknown> };
  }

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("emu-usage"));
    const client = emulatorClient(emu);
    appToken = await client.token(seed, "https://api.partnercenter.microsoft.com/.default");
    graphToken = await client.token(seed, "https://graph.microsoft.com/.default");
    const userRes = await client.request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "password",
        username: seed.partnerAdmin.userName,
        password: seed.partnerAdmin.password,
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        scope: "https://api.partnercenter.microsoft.com/user_impersonation",
      },
    });
    userToken = String(userRes.body["access_token"]);

    // Two customers of the partner, one billed in USD and one in GBP, each with an Azure subscription whose usage
    // starts on the first day of this month.
    const now = new Date(emu.clock.now());
    billedMonth = now.toISOString().slice(0, 7);
    for (const [prefix, country] of [
      ["usagefab", "US"],
      ["usagetail", "GB"],
    ] as const) {
      const tenant = emu.state.addTenant({
        domain: `${prefix}.onmicrosoft.com`,
        displayName: `${prefix} Ltd`,
      });
      emu.state.addCustomer({
        id: tenant.id,
        commerceId: randomUUID(),
        partnerTenantId: seed.tenantId,
        companyName: `${prefix} Ltd`,
        domain: tenant.domain,
        billingProfile: { defaultAddress: { country } },
        relationshipToPartner: "reseller",
        createdAt: now.toISOString(),
      });
      const sub = emu.state.addSubscription({ tenantId: tenant.id, displayName: `${prefix} production` });
      const profile = await client.request("PUT", `/_emulator/usage/subscriptions/${sub.subscriptionId}`, {
        json: { usageSince: `${billedMonth}-01` },
      });
      assert.equal(profile.status, 200);
    }
    // Noon on the 12th of next month: this month has closed (on the 8th) and next month has eleven days of usage.
    const target = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 12, 12);
    openMonth = new Date(target).toISOString().slice(0, 7);
    await advance((target - emu.clock.now()) / 1000);
  });
  after(async () => {
    await emu.close();
  });

  void test("unbilled line items read across many small pages lose and repeat no row, and match one large page", async () => {
    const query =
      "/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current";
    const pages = await allPages(`${query}&size=7`);
    assert.ok(pages.length >= 3, `${pages.length} pages`);
    assert.ok(pages.slice(0, -1).every((p) => p.length === 7));
    const rows = pages.flat();
    assert.equal(new Set(rows.map(rowId)).size, rows.length, "no row twice");
    const [whole] = await allPages(`${query}&size=2000`);
    assert.ok(whole);
    assert.deepEqual(rows.map(rowId), whole.map(rowId));
    assert.ok(rows.every((r) => r["invoiceNumber"] === "" && r["billingCurrency"] === "USD"));
    assert.ok(rows.every((r) => str(r["usageDate"]).startsWith(openMonth)));
    const first = rows[0];
    assert.ok(first);
    assert.equal((first["attributes"] as { objectType: string }).objectType, "DailyRatedUsageLineItem");
    assert.equal(first["pricingCurrency"], "USD");
    assert.ok(["0.15", "0.00"].includes(str(first["rateOfPartnerEarnedCredit"])));
  });

  void test("a continuation token resumes exactly after the last row of its page, even after more usage arrives", async () => {
    const query =
      "/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current";
    const firstRes = await pc(`${query}&size=5`);
    const first = parseExact(firstRes.body.toString()) as {
      items: Row[];
      links: { next: { uri: string; headers: { key: string; value: string }[] } };
    };
    const next = first.links.next;
    const lastOfFirst = rowId(first.items.at(-1) ?? {});
    await advance(DAY_MS / 1000);
    const [whole] = await allPages(`${query}&size=2000`);
    assert.ok(whole);
    const secondRes = await pc(
      next.uri,
      appToken,
      Object.fromEntries(next.headers.map((h) => [h.key, h.value])),
    );
    const second = parseExact(secondRes.body.toString()) as { items: Row[] };
    const resumeAt = whole.findIndex((r) => rowId(r) === lastOfFirst) + 1;
    assert.ok(resumeAt > 0);
    assert.deepEqual(second.items.map(rowId), whole.slice(resumeAt, resumeAt + 5).map(rowId));
    assert.ok(second.items.every((r) => !first.items.some((f) => rowId(f) === rowId(r))));
  });

  void test("a month closes on the 8th of the next: /v1/invoices lists it per currency and its line items carry the invoice number and add up to its total", async () => {
    const list = await pc("/invoices", userToken);
    assert.equal(list.status, 200, list.body.toString());
    const invoices = (parseExact(list.body.toString()) as { items: Row[] }).items;
    const ours = invoices.filter((i) => str(i["billingPeriodStartDate"]).startsWith(billedMonth));
    assert.deepEqual(ours.map((i) => i["currencyCode"]).sort(), ["GBP", "USD"]);
    const usd = ours.find((i) => i["currencyCode"] === "USD");
    assert.ok(usd);
    assert.match(str(usd["id"]), /^G\d{9}$/);
    assert.equal(str(usd["invoiceDate"]).slice(0, 10), `${openMonth}-08`);
    const one = await pc(`/invoices/${str(usd["id"])}`, userToken);
    assert.equal((parseExact(one.body.toString()) as Row)["totalCharges"], usd["totalCharges"]);

    const rows = (
      await allPages(
        `/invoices/${str(usd["id"])}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&size=500`,
      )
    ).flat();
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r["invoiceNumber"] === usd["id"]));
    assert.ok(rows.every((r) => str(r["usageDate"]).startsWith(billedMonth)));
    // Partner Center's reconciliation: per subscription, meter and price, ROUNDDOWN(ROUNDDOWN(price × Σ quantity, 2) × rate, 2).
    const lines = new Map<string, { price: bigint; rate: bigint; quantity: bigint }>();
    for (const r of rows) {
      const key = `${str(r["subscriptionId"])}|${str(r["meterId"])}|${str(r["effectiveUnitPrice"])}`;
      const line = lines.get(key) ?? {
        price: units(r["effectiveUnitPrice"], 8),
        rate: units(r["pcToBCExchangeRate"], 4),
        quantity: 0n,
      };
      line.quantity += units(r["quantity"], 6);
      lines.set(key, line);
    }
    let cents = 0n;
    for (const l of lines.values()) cents += (((l.price * l.quantity) / 10n ** 12n) * l.rate) / 10n ** 4n;
    assert.equal(units(usd["totalCharges"], 2), cents);

    const unbilledPrevious = await allPages(
      "/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=previous&size=100",
    );
    assert.equal(unbilledPrevious.flat().length, 0, "a billed month has no unbilled usage left");
  });

  void test("Graph's billed export for the invoice yields the same rows and the same total as Partner Center v1", async () => {
    const invoices = (parseExact((await pc("/invoices", userToken)).body.toString()) as { items: Row[] })
      .items;
    const gbp = invoices.find(
      (i) => i["currencyCode"] === "GBP" && str(i["billingPeriodStartDate"]).startsWith(billedMonth),
    );
    assert.ok(gbp);
    const v1 = (
      await allPages(
        `/invoices/${str(gbp["id"])}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=GBP`,
      )
    ).flat();
    const { rows, manifest } = await exportRows("billed", { invoiceId: gbp["id"], attributeSet: "full" });
    assert.equal(manifest["partnerTenantId"], seed.tenantId);
    assert.equal(rows.length, v1.length);
    assert.equal(total(rows, "BillingPreTaxTotal"), total(v1, "billingPreTaxTotal"));
    assert.deepEqual(rows.map(rowId).sort(), v1.map(rowId).sort());
    assert.ok(rows.every((r) => r["InvoiceNumber"] === gbp["id"] && r["BillingCurrency"] === "GBP"));
    assert.equal(Object.keys(rows[0] ?? {}).length, 55, "the full attribute set and PCToBCExchangeRateDate");
  });

  void test("Graph's unbilled export of the current period matches the v1 unbilled line items, in the basic attribute set", async () => {
    const v1 = (
      await allPages(
        "/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current",
      )
    ).flat();
    const { rows } = await exportRows("unbilled", {
      billingPeriod: "current",
      currencyCode: "USD",
      attributeSet: "basic",
    });
    assert.equal(rows.length, v1.length);
    assert.equal(total(rows, "BillingPreTaxTotal"), total(v1, "billingPreTaxTotal"));
    assert.equal(rows[0]?.["MeterId"], undefined, "basic leaves out the meter columns");
  });

  void test("the expected totals the control plane gives for a closed month add up to its invoices, per currency", async () => {
    const res = await raw("GET", `/_emulator/usage/expected/${seed.tenantId}/${billedMonth}`);
    assert.equal(res.status, 200);
    const expected = parseExact(
      res.body.toString().replace(/"(invoiceSubtotal|billingPreTaxTotal)":(-?[\d.]+)/g, '"$1":"$2"'),
    ) as {
      closed: boolean;
      customers: { billingCurrency: string; invoiceSubtotal: string; rowCount: number }[];
    };
    assert.equal(expected.closed, true);
    const invoices = (
      parseExact((await pc("/invoices", userToken)).body.toString()) as { items: Row[] }
    ).items.filter((i) => str(i["billingPeriodStartDate"]).startsWith(billedMonth));
    for (const invoice of invoices) {
      const ofCurrency = expected.customers.filter((c) => c.billingCurrency === invoice["currencyCode"]);
      assert.ok(ofCurrency.length > 0);
      const sum = ofCurrency.reduce((acc, c) => acc + units(c.invoiceSubtotal, 2), 0n);
      assert.equal(sum, units(invoice["totalCharges"], 2), str(invoice["currencyCode"]));
    }
  });

  void test("an export with nothing to export fails with 'No data available'", async () => {
    const started = await graph("POST", "/usage/unbilled/export", {
      billingPeriod: "last",
      currencyCode: "USD",
    });
    assert.equal(started.status, 202);
    await advance(Number(started.headers["retry-after"]) + 1);
    const op = JSON.parse(
      (await graph("GET", String(started.headers["location"]))).body.toString(),
    ) as Record<string, unknown>;
    assert.equal(op["@odata.type"], "#microsoft.graph.partners.billing.failedOperation");
    assert.deepEqual(op["error"], { code: "5000", message: "No data available" });
  });

  void test("a blob read with a wrong or missing SAS token is refused in Azure Storage's error shape", async () => {
    const { manifest } = await exportRows("unbilled", { billingPeriod: "current", currencyCode: "GBP" });
    const blob = (manifest["blobs"] as { name: string }[])[0]?.name ?? "";
    const url = `${str(manifest["rootDirectory"])}/${blob}`;
    const forged = str(manifest["sasToken"]).replace(/sig=[^&]+/, "sig=bm90LXRoZS1zaWduYXR1cmU%3D");
    for (const target of [`${url}?${forged}`, url]) {
      const res = await raw("GET", target);
      assert.equal(res.status, 403);
      assert.match(res.body.toString(), /^<\?xml[^>]*\?><Error><Code>AuthenticationFailed<\/Code><Message>/);
    }
  });

  void test("Graph refuses a token for another audience, and Partner Center refuses bad query parameters by name", async () => {
    const wrong = await graph(
      "POST",
      "/usage/unbilled/export",
      { billingPeriod: "current", currencyCode: "USD" },
      appToken,
    );
    assert.equal(wrong.status, 401);
    assert.equal(
      (JSON.parse(wrong.body.toString()) as { error: { code: string } }).error.code,
      "InvalidAuthenticationToken",
    );

    const base =
      "/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD";
    for (const [pathname, name] of [
      [base, "period"],
      [`${base}&period=current&size=2001`, "size"],
      [
        "/invoices/unbilled/lineitems?provider=onetime&currencycode=USD&period=current",
        "invoicelineitemtype",
      ],
      [`${base}&period=current&seekOperation=Next`, "MS-ContinuationToken"],
    ] as const) {
      const res = await pc(pathname);
      assert.equal(res.status, 400, pathname);
      assert.match(
        String((JSON.parse(res.body.toString()) as { description: string }).description),
        new RegExp(name),
      );
    }
    assert.equal((await pc("/invoices", appToken)).status, 401, "invoices need App+User credentials");
    assert.equal((await pc("/invoices/G000000000", userToken)).status, 404);
  });

  void test("usage is the partner's own: another partner sees no invoices and no line items of these customers", async () => {
    const other = emu.state.addTenant({
      domain: "otherpartner.onmicrosoft.com",
      displayName: "Other Partner",
    });
    const secret = randomUUID();
    const registered = emu.state.addApp({ tenantId: other.id, displayName: "Other", secret });
    const token = await emulatorClient(emu).token(
      { tenantId: other.id, clientId: registered.clientId, clientSecret: secret },
      "https://api.partnercenter.microsoft.com/.default",
    );
    const res = await pc(
      "/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current",
      token,
    );
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.body.toString()) as { totalCount: number }).totalCount, 0);
  });

  void test("a day of usage does not change when it is read again later", async () => {
    const query =
      "/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current&size=2000";
    const before = (await allPages(query)).flat();
    await advance(DAY_MS / 1000);
    const later = (await allPages(query)).flat();
    const settled = before.filter((r) => str(r["usageDate"]) < `${openMonth}-09`);
    const again = new Map(later.map((r) => [rowId(r), JSON.stringify(r)]));
    assert.ok(settled.length > 0);
    for (const r of settled) assert.equal(again.get(rowId(r)), JSON.stringify(r));
    assert.ok(later.length > before.length, "the next day's usage has arrived");
  });
});
