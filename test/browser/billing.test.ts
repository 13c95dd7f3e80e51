import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { generateUsageFile } from "../../src/emulator/usage-generator/index.ts";
import {
  formatDecimal,
  multiply,
  parseDecimal,
  roundToMinorUnit,
} from "../../src/modules/billing/engine/index.ts";
import {
  acceptInvitation,
  browserContexts,
  clickNav,
  connectBillingAccount,
  createOrganization,
  invitationLink,
  invite,
  navLabels,
  setUpOperator,
  type Person,
} from "./console-steps.ts";
import { hasChromium, launchBrowser } from "./launch-browser.ts";
import { startProduct, type RunningProduct } from "./start-product.ts";

const builtConsole = path.resolve(import.meta.dirname, "..", "..", "dist", "web", "index.html");
const skip =
  hasChromium || process.env["CI"] ? false : "Chromium is not installed (apt-get install -y chromium)";

const operator = {
  partner: "Northwind Partners",
  name: "Olivia Operator",
  email: "olivia@northwind.test",
  password: "operator password 1",
};
const orgAdmin: Person = {
  name: "Adam Admin",
  email: "adam@fabrikam.test",
  password: "org admin password 1",
};

/** The month before this one (UTC): closed, so its usage may be invoiced. */
const usageMonth = (() => {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
})();

type Expected = {
  customerId: string;
  customerName: string;
  billingCurrency: string;
  rows: number;
  listPriceInBillingCurrency: string;
  listPriceInBillingCurrencyRounded: string;
};

let product: RunningProduct;
let browser: Browser;
let workDir: string;
let usageFile: string;
let expected: Expected;
const pages = browserContexts(() => browser);

/** Fails with the product's output, which says why a step went wrong on the server. */
async function explained<T>(what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (e) {
    const output = product.output().split("\n").slice(-60).join("\n");
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- product output ---\n${output}`, {
      cause: e,
    });
  }
}

/** Confirms the dialog that asks before an operator's command. */
async function confirm(page: Page, button: string): Promise<void> {
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: button }).click();
  await dialog.waitFor({ state: "detached" });
}

before(async () => {
  if (skip) return;
  assert.ok(existsSync(builtConsole), "build the console first: npm run build:web");
  workDir = mkdtempSync(path.join(os.tmpdir(), "pc-browser-billing-"));
  usageFile = path.join(workDir, "usage.csv");
  const summary = await generateUsageFile(
    {
      seed: 41,
      months: [usageMonth],
      size: { customers: 1 },
      shares: { late: 0, restated: 0, duplicates: 0, corrections: 0, pecChanges: 0 },
      currencies: ["GBP"],
    },
    usageFile,
  );
  const document = JSON.parse(readFileSync(summary.expectedFile, "utf8")) as { customers: Expected[] };
  const [customer] = document.customers;
  assert.ok(customer, "the generated file has its customer");
  expected = customer;
  product = await startProduct();
  browser = await launchBrowser();
});

after(async () => {
  await pages.closeAll();
  await browser?.close().catch(() => undefined);
  await product?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

void test(
  "an operator imports a month of usage, routes it to a billing account, drafts, finalizes and posts its invoice; the organization admin sees it and schedules a price plan after a preview",
  { skip },
  async (t) => {
    const op = await pages.newPage();
    const admin = await pages.newPage();
    let invoiceUrl = "";
    /** Each step builds on the one before: after a failure the rest are skipped, not failed for it. */
    let failed = false;
    const step = (name: string, run: () => Promise<void>) =>
      t.test(name, { skip: failed ? "an earlier step failed" : false }, () =>
        explained(run).catch((e: unknown) => {
          failed = true;
          throw e;
        }),
      );

    await step("the organization exists with its admin, who connects PCUK (billed in GBP)", async () => {
      await setUpOperator(op, product.url, operator);
      await createOrganization(op, "Fabrikam");
      await invite(op, { email: orgAdmin.email, orgRole: "admin" });
      await acceptInvitation(admin, await invitationLink(op, product.url, orgAdmin.email), orgAdmin);
      const labels = await navLabels(admin);
      assert.ok(labels.includes("Invoices") && labels.includes("Price plan"), labels.join(", "));
      assert.ok(!labels.includes("Usage data"), "usage data is for operators");
      await connectBillingAccount(admin, product.dataDir, "PCUK");
    });

    await step(
      "the operator bills months in arrears, so the month close leaves the month to this test",
      async () => {
        await clickNav(op, "Billing policy");
        await op.getByText("A month is invoiced only once Microsoft has billed the partner").waitFor();
        await op.getByLabel(/In arrears/).check();
        await op.getByRole("button", { name: "Save policy" }).click();
        await op.getByTestId("notice").getByText("The billing policy is saved").waitFor();
        await op.reload();
        assert.equal(await op.getByLabel(/In arrears/).isChecked(), true);
        assert.equal(await op.getByLabel("Invoice line").inputValue(), "Integrated Azure Services Usage");
      },
    );

    await step("the operator uploads the usage file; every row is read and none set aside", async () => {
      await clickNav(op, "Usage data");
      await op.getByTestId("empty-state").getByText("No usage imported yet").waitFor();
      await op.getByRole("button", { name: "Upload a usage file" }).click();
      const dialog = op.getByRole("dialog");
      await dialog.getByRole("button", { name: "Upload and import" }).click();
      await dialog.getByText("Choose the CSV file exported from Partner Center").waitFor();
      await dialog.getByLabel("Daily rated usage file (CSV)").setInputFiles(usageFile);
      await dialog.getByLabel("Kind").selectOption("unbilled");
      await dialog.getByRole("button", { name: "Upload and import" }).click();
      await op.getByTestId("notice").getByText(`${expected.rows} rows read, 0 set aside`).waitFor();
      const row = op.getByTestId("usage-import").first();
      await row.locator('[data-testid="import-state"][data-state="done"]').waitFor();
      await row.getByRole("link").click();
      assert.equal(await op.getByTestId("rows-staged").textContent(), String(expected.rows));
      assert.equal(await op.getByTestId("rows-quarantined").textContent(), "0");
      const [y = "", m = ""] = usageMonth.split("-");
      assert.equal(
        await op.getByTestId("billing-period").textContent(),
        new Date(Date.UTC(Number(y), Number(m) - 1, 1)).toLocaleString("en-US", {
          month: "long",
          year: "numeric",
          timeZone: "UTC",
        }),
        "a file's billing period is its latest usage month",
      );
      await op.getByText("No row of this import was set aside.").waitFor();
    });

    await step("the customer's usage is unassigned until the operator routes it to PCUK", async () => {
      await clickNav(op, "Unassigned usage");
      await op.getByLabel("Month", { exact: true }).fill(usageMonth);
      const row = op.locator(
        `[data-testid="unassigned-customer"][data-customer-id="${expected.customerId}"]`,
      );
      await row.locator("td").first().getByText(expected.customerName).waitFor();
      const pcuk = row.locator("option", { hasText: "Fabrikam · PCUK" });
      const accountId = await pcuk.getAttribute("value");
      assert.ok(accountId, "PCUK of Fabrikam is offered");
      await row.getByLabel(`Billing account for ${expected.customerName}`).selectOption(accountId);
      await row.getByRole("button", { name: "Assign" }).click();
      await op.getByTestId("notice").getByText(`is billed to PCUK from now on`).waitFor();
      await op.getByTestId("empty-state").getByText("All usage is assigned").waitFor();
    });

    await step(
      "the operator drafts the month's invoice of PCUK: one line at the generator's amount",
      async () => {
        await clickNav(op, "Invoices");
        await op.getByRole("button", { name: "Draft invoice for a month" }).click();
        const dialog = op.getByRole("dialog");
        await dialog.getByLabel("Billing account").selectOption({ index: 0 });
        assert.match(
          (await dialog.getByLabel("Billing account").locator("option:checked").textContent()) ?? "",
          /PCUK/,
        );
        await dialog.getByLabel("Month").fill(usageMonth);
        await dialog.getByRole("button", { name: "Draft invoice" }).click();
        await op.waitForURL(/\/billing\/invoices\/inv_/);
        invoiceUrl = op.url();
        await op.getByTestId("invoice-state").and(op.locator('[data-state="draft"]')).waitFor();
        const lines = op.getByTestId("invoice-line");
        assert.equal(await lines.count(), 1);
        const line = lines.first();
        await line.getByText("Integrated Azure Services Usage").waitFor();
        const amount = line.getByTestId("line-amount");
        assert.equal(await amount.getAttribute("data-amount"), expected.listPriceInBillingCurrencyRounded);
        assert.equal(await amount.textContent(), grouped(expected.listPriceInBillingCurrencyRounded));
        assert.equal(
          await op.getByTestId("invoice-lines").getByTestId("invoice-total").textContent(),
          `${grouped(expected.listPriceInBillingCurrencyRounded)} GBP`,
        );
        await line.getByText(`${expected.rows} usage rows`).waitFor();
        await op.screenshot({ path: "/tmp/pc-billing-draft.png", fullPage: true });
      },
    );

    await step(
      "the line's detail shows each customer's share, its customer-days, and a day's usage rows with meter and prices",
      async () => {
        await op.getByRole("button", { name: "Detail of line 1" }).click();
        const detail = op.getByTestId("line-detail");
        const days = detail.getByTestId("line-day");
        await days.first().waitFor();
        const dayCount = await days.count();
        assert.ok(dayCount >= 28 && dayCount <= 31, `a month of days: ${dayCount}`);
        const share = detail.getByTestId("line-customer");
        await share.first().waitFor();
        assert.equal(await share.count(), 1, "the month's one customer");
        await share.getByText(expected.customerId).waitFor();
        assert.equal(
          await share.getByTestId("customer-share").textContent(),
          `${grouped(expected.listPriceInBillingCurrencyRounded)} GBP`,
          "the customer's share is the whole line",
        );
        const firstDay = `${usageMonth}-01`;
        await detail.getByRole("button", { name: `Usage rows of ${firstDay}` }).click();
        const rows = detail.getByTestId("usage-rows-table").locator("tbody tr");
        await rows.first().waitFor();
        assert.equal(await rows.count(), expected.rows / dayCount, "every row of the day, no other");
        await detail.getByText(`Usage of ${expected.customerName} on ${firstDay}`).waitFor();
        const header = await detail.getByTestId("usage-rows-table").locator("thead").textContent();
        assert.match(header ?? "", /Meter.*Category.*Resource.*Quantity.*Customer price.*List price/);
        await op.screenshot({ path: "/tmp/pc-billing-line-detail.png", fullPage: true });
      },
    );

    await step(
      "the operator finalizes the invoice, which gets its number, then posts it to the partner cloud",
      async () => {
        await op.getByRole("button", { name: "Finalize", exact: true }).click();
        await confirm(op, "Finalize invoice");
        await op.locator('[data-testid="invoice-state"][data-state="finalized"]').waitFor();
        const number = (await op.getByTestId("invoice-number").textContent()) ?? "";
        assert.match(number, new RegExp(`^PC-${usageMonth.replace("-", "")}-\\d{6}$`));
        await op.getByRole("button", { name: "Post to the partner cloud" }).click();
        await confirm(op, "Post invoice");
        await op.locator('[data-testid="post-state"][data-state="posted"]').waitFor();
        assert.equal(await op.getByTestId("post-error").count(), 0);
        await op.screenshot({ path: "/tmp/pc-billing-posted.png", fullPage: true });
      },
    );

    await step(
      "the operator sets a EUR rate for a month (a bad rate is refused next to its field) and removes it",
      async () => {
        await clickNav(op, "Exchange rates");
        await op.getByText("Microsoft's rates apply").waitFor();
        await op.getByLabel("To currency").fill("EUR");
        await op.getByLabel("Month").fill("2027-01");
        await op.getByLabel("Rate").fill("0,92");
        await op.getByRole("button", { name: "Set rate" }).click();
        await op.locator("#rate-value-error").getByText("rate must be a decimal number above 0").waitFor();
        await op.getByLabel("Rate").fill("0.92");
        await op.getByRole("button", { name: "Set rate" }).click();
        await op.getByTestId("notice").getByText("1 USD = 0.92 EUR for January 2027.").waitFor();
        await op.getByTestId("exchange-rate").filter({ hasText: "0.92" }).waitFor();
        assert.equal(await op.getByTestId("exchange-rate").count(), 1);
        await op.getByRole("button", { name: "Remove the USD to EUR rate of 2027-01" }).click();
        await confirm(op, "Remove rate");
        await op.getByText("Microsoft's rates apply").waitFor();
      },
    );

    await step(
      "the organization admin sees the finalized invoice, without the operators' figures",
      async () => {
        await clickNav(admin, "Invoices");
        await admin
          .getByTestId("estimate-card")
          .getByRole("heading", { name: / so far$/ })
          .waitFor();
        await admin.getByLabel("Month").fill(usageMonth);
        const row = admin.getByTestId("invoice-row").filter({ hasText: "PCUK" });
        await row.locator('[data-testid="invoice-state"][data-state="finalized"]').waitFor();
        assert.equal(
          await row.getByTestId("invoice-total").textContent(),
          `${grouped(expected.listPriceInBillingCurrencyRounded)} GBP`,
        );
        await row.locator('[data-testid="post-state"][data-state="posted"]').waitFor();
        await row.getByRole("link").click();
        assert.equal(admin.url(), invoiceUrl);
        const head = (await admin.getByTestId("invoice-lines").locator("thead").textContent()) ?? "";
        assert.doesNotMatch(head, /Partner cost|Margin/);
        assert.equal(await admin.getByRole("button", { name: "Issue credit note" }).count(), 0);
      },
    );

    await step("the organization admin previews a 10 % markup on the month, then schedules it", async () => {
      await clickNav(admin, "Price plan");
      await admin.getByText("List price, no markup").waitFor();
      await admin.getByLabel("Percent of Microsoft's list price").fill("10");
      await admin.getByLabel("Preview on the usage of").fill(usageMonth);
      await admin.getByRole("button", { name: "Preview" }).click();
      const account = admin.locator('[data-testid="preview-account"][data-alias="PCUK"]');
      await account.waitFor();
      const proposed = formatDecimal(
        roundToMinorUnit(multiply(exact(expected.listPriceInBillingCurrency), exact("1.1")), "GBP"),
      );
      assert.equal(await account.getAttribute("data-current"), expected.listPriceInBillingCurrencyRounded);
      assert.equal(await account.getAttribute("data-proposed"), proposed);
      await admin.screenshot({ path: "/tmp/pc-billing-preview.png", fullPage: true });
      await admin.getByRole("button", { name: "Schedule plan" }).click();
      await admin.getByTestId("notice").getByText("+10 % on Microsoft's list price").waitFor();
      await admin.locator('[data-testid="price-plan"][data-status="scheduled"]').getByText("+10 %").waitFor();
      assert.equal(await admin.getByTestId("plan-preview").count(), 0, "the preview is gone once saved");
    });

    await step("the operator takes the invoice back with a credit note, which needs a reason", async () => {
      await op.goto(invoiceUrl);
      await op.getByRole("button", { name: "Issue credit note" }).click();
      const dialog = op.getByRole("dialog");
      await dialog.getByRole("button", { name: "Issue credit note" }).click();
      await dialog.getByText("Give the reason for the credit note").waitFor();
      await dialog.getByLabel("Reason").fill("Billed to the wrong partner cloud account");
      await dialog.getByRole("button", { name: "Issue credit note" }).click();
      await op.waitForURL(
        (url) => url.pathname.startsWith("/billing/invoices/inv_") && url.href !== invoiceUrl,
      );
      await op.getByTestId("invoice-header").getByText("Credit note").waitFor();
      await op.getByTestId("invoice-header").getByText("Billed to the wrong partner cloud account").waitFor();
      assert.equal(
        await op.getByTestId("invoice-lines").getByTestId("invoice-total").textContent(),
        `−${grouped(expected.listPriceInBillingCurrencyRounded)} GBP`,
      );
    });
  },
);

const exact = (text: string) => {
  const value = parseDecimal(text);
  assert.ok(value, `${text} is a decimal`);
  return value;
};

/** The console groups digits by thousands: 4865.85 → 4,865.85. */
const grouped = (amount: string) =>
  amount.replace(/^(\d+)/, (whole) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
