import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import {
  acceptInvitation,
  browserContexts,
  clickNav,
  createOrganization,
  embeddedEmulator,
  invitationLink,
  invite,
  navLabels,
  partnerCloudAdmin,
  setUpOperator,
  switchTo,
  type EmulatorControl,
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
const ccAdmin: Person = {
  name: "Carol Costa",
  email: "carol@fabrikam.test",
  password: "cc admin password 1",
};
const wsUser: Person = { name: "Uma User", email: "uma@fabrikam.test", password: "ws user password 1" };

/** The onboarding workflow talks to the emulator over HTTPS with real steps: give it time, but not forever. */
const ONBOARDING_MS = 60_000;

let product: RunningProduct;
let browser: Browser;
let emulator: EmulatorControl;
const pages = browserContexts(() => browser);

/** Fails with the product's output, which says why a step went wrong on the server. */
async function explained<T>(what: Promise<T>): Promise<T> {
  try {
    return await what;
  } catch (e) {
    const output = product.output().split("\n").slice(-60).join("\n");
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- product output ---\n${output}`, {
      cause: e,
    });
  }
}

async function connectBillingAccount(page: Page, alias: string, refused: Record<string, RegExp> = {}) {
  const admin = await partnerCloudAdmin(product.dataDir);
  await clickNav(page, "Billing accounts");
  await page.getByRole("button", { name: "Connect a partner cloud account" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Partner cloud username").fill(admin.userName);
  await dialog.getByLabel("Partner cloud password").fill(admin.password);
  await dialog.getByRole("button", { name: "Sign in and list accounts" }).click();
  await dialog.getByRole("heading", { name: "Choose the account to bill" }).waitFor();
  for (const [refusedAlias, reason] of Object.entries(refused)) {
    const choice = dialog.locator(`[data-testid="discovered-account"][data-alias="${refusedAlias}"]`);
    assert.equal(await choice.getByRole("radio").isDisabled(), true, `${refusedAlias} cannot be chosen`);
    assert.match((await choice.getByTestId("eligibility-reasons").textContent()) ?? "", reason);
  }
  await dialog
    .locator(`[data-testid="discovered-account"][data-alias="${alias}"]`)
    .getByRole("radio")
    .check();
  await page.screenshot({ path: `/tmp/pc-azure-discovered-${alias}.png` });
  await dialog.getByRole("button", { name: "Connect account" }).click();
  await page.getByTestId("notice").getByText(`${alias} (`).waitFor();
  await page.getByTestId("billing-accounts-table").locator(`tr[data-alias="${alias}"]`).waitFor();
}

async function acceptTerms(page: Page, alias: string) {
  await page.getByRole("link", { name: `Review and accept terms for ${alias}` }).click();
  await page.getByRole("heading", { name: `Terms for ${alias}` }).waitFor();
  await page.getByTestId("terms-body-partner_terms").waitFor();
  await page.getByTestId("terms-body-customer_agreement").waitFor();
  await page.getByRole("button", { name: "Accept terms" }).click();
  await page.getByText("Tick the box to accept both documents").waitFor();
  await page.getByLabel("Contact phone (optional)").fill("+44 20 7946 0000");
  await page.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Accept terms" }).click();
  const status = page.getByTestId("terms-status");
  await status.getByText("Terms accepted").waitFor();
  await status.getByText("Partner terms v1").waitFor();
  await page.screenshot({ path: `/tmp/pc-azure-terms-${alias}.png`, fullPage: true });
}

async function createWorkspace(page: Page, name: string) {
  await clickNav(page, "Workspaces");
  await page.getByRole("button", { name: "Create team workspace" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Workspace name").fill(name);
  await dialog.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name }).waitFor();
}

/** Providers → New → Microsoft Azure → "Create a new Azure customer account…". */
async function startNewCustomerProvider(page: Page, name: string) {
  await page.getByTestId("providers-section").getByRole("link", { name: "New provider" }).click();
  await page.getByRole("heading", { name: "New provider" }).waitFor();
  await page.getByLabel("Microsoft Azure").check();
  const options = page.getByTestId("provider-options").getByRole("radio");
  assert.equal(await options.count(), 3, "organization and cost-center admins see the three options");
  await page.getByLabel(/Create a new Azure customer account/).check();
  await page.getByTestId("new-customer-form").waitFor();
  await page.getByLabel("Provider name").fill(name);
}

/** The provider page follows the onboarding run step by step until the provider is ready. */
async function watchUntilReady(page: Page) {
  await page.waitForURL(/\/providers\/prv_/);
  const steps = page.getByTestId("onboarding-steps");
  await steps.waitFor();
  assert.ok((await steps.getByRole("listitem").count()) > 3, "the steps are listed");
  await page
    .locator('[data-testid="onboarding-state"][data-state="succeeded"]')
    .waitFor({ timeout: ONBOARDING_MS });
  const statuses = await steps
    .getByRole("listitem")
    .evaluateAll((items) => items.map((i) => i.getAttribute("data-status")));
  assert.ok(
    statuses.every((s) => s === "done" || s === "skipped"),
    `every step is done or not needed: ${statuses.join(", ")}`,
  );
  await page.getByTestId("provider-details").locator('[data-state="ready"]').waitFor({ timeout: 15_000 });
  assert.match((await page.getByTestId("provider-details").textContent()) ?? "", /Subscription/);
}

before(async () => {
  if (skip) return;
  assert.ok(existsSync(builtConsole), "build the console first: npm run build:web");
  product = await startProduct();
  browser = await launchBrowser();
  emulator = await embeddedEmulator(product);
  await emulator.send("PUT", "/_emulator/partner-center/settings", { provisioningDelaySeconds: 0 });
});

after(async () => {
  await pages.closeAll();
  await browser?.close().catch(() => undefined);
  await product?.stop();
});

void test(
  "organization and cost-center admins connect billing accounts, accept terms and get new Azure customer accounts",
  { skip },
  async (t) => {
    const op = await pages.newPage();
    const admin = await pages.newPage();
    const carol = await pages.newPage();
    const uma = await pages.newPage();

    await t.test("the operator sets up the console and creates the organization", () =>
      explained(
        (async () => {
          await setUpOperator(op, product.url, operator);
          await createOrganization(op, "Fabrikam");
          await invite(op, { email: orgAdmin.email, orgRole: "admin" });
        })(),
      ),
    );

    await t.test("the organization admin accepts and sees Billing accounts in the navigation", () =>
      explained(
        (async () => {
          await acceptInvitation(admin, await invitationLink(op, product.url, orgAdmin.email), orgAdmin);
          assert.deepEqual(await navLabels(admin), [
            "Overview",
            "Cost centers",
            "Workspaces",
            "Billing accounts",
            "Invoices",
            "Price plan",
            "Users",
            "Audit log",
          ]);
        })(),
      ),
    );

    await t.test("PCUK is connected; PCDE, PDMO and PRSL are refused with their reasons", () =>
      explained(
        connectBillingAccount(admin, "PCUK", {
          PCDE: /billing country DE is not one the partner supports/,
          PDMO: /demo account/,
          PRSL: /reseller/,
        }),
      ),
    );

    await t.test("the organization admin reviews and accepts the terms for PCUK", () =>
      explained(acceptTerms(admin, "PCUK")),
    );

    await t.test("a new Azure customer account is created from the company profile, step by step", () =>
      explained(
        (async () => {
          await createWorkspace(admin, "Azure Lab");
          await startNewCustomerProvider(admin, "Fabrikam Lab");
          const profile = admin.getByTestId("company-profile");
          assert.equal(await profile.getByLabel("Company name").inputValue(), "Fabrikam");
          assert.equal(await profile.getByLabel("Country").inputValue(), "United Kingdom (GB)");
          assert.equal(await profile.getByLabel("Contact email").inputValue(), orgAdmin.email);
          await admin.getByTestId("terms-ok").waitFor();
          await admin.getByRole("button", { name: "Create provider" }).click();
          await profile.locator("#customer-address-line1-error").waitFor();
          await profile.getByLabel("Address line 1").fill("1 Kingsway");
          await profile.getByLabel("City").fill("London");
          await profile.getByLabel("Postal code").fill("WC2B 6AN");
          await admin.screenshot({ path: "/tmp/pc-azure-wizard.png", fullPage: true });
          // Microsoft refuses the customer once, then answers slowly: the page shows the step in progress.
          await emulator.send("POST", "/_emulator/faults", {
            route: "POST /v1/customers",
            kind: "status",
            status: 503,
            retryAfterSeconds: 1,
          });
          await emulator.send("POST", "/_emulator/faults", {
            route: "POST /v1/customers",
            kind: "latency",
            latencyMs: 4000,
          });
          await admin.getByRole("button", { name: "Create provider" }).click();
          const steps = admin.getByTestId("onboarding-steps");
          await steps
            .locator('li[data-status="current"]', { hasText: "Create the Azure customer" })
            .waitFor({ timeout: 20_000 });
          await steps
            .locator('li[data-status="done"]', { hasText: "Validate the company address" })
            .waitFor();
          await admin.screenshot({ path: "/tmp/pc-azure-progress.png", fullPage: true });
          await watchUntilReady(admin);
          await admin.screenshot({ path: "/tmp/pc-azure-provider.png", fullPage: true });
          await clickNav(admin, "Billing accounts");
          await admin.getByTestId("azure-customer").getByText("Fabrikam", { exact: true }).waitFor();
          await admin.getByTestId("billing-accounts-table").locator('tr[data-alias="PCUK"]').waitFor();
          await admin.screenshot({ path: "/tmp/pc-azure-billing-accounts.png", fullPage: true });
        })(),
      ),
    );

    await t.test("the Azure administrator's credentials are shown once, after the admin's own password", () =>
      explained(
        (async () => {
          const card = admin.getByTestId("azure-customer");
          await card.getByRole("button", { name: "Show credentials" }).click();
          const dialog = admin.getByRole("dialog");
          await dialog.getByLabel("Your Partner Cloud password").fill("not my password at all");
          await dialog.getByRole("button", { name: "Show credentials" }).click();
          await dialog.getByTestId("form-error").waitFor();
          await dialog.getByLabel("Your Partner Cloud password").fill(orgAdmin.password);
          await dialog.getByRole("button", { name: "Show credentials" }).click();
          await dialog.getByText("They will not be shown again.").waitFor();
          assert.match((await dialog.getByTestId("azure-user-name").textContent()) ?? "", /@/);
          assert.ok(((await dialog.getByTestId("azure-password").textContent()) ?? "").length >= 8);
          await dialog.getByRole("button", { name: "I have stored them" }).click();
          await card.getByText("cannot be shown again").waitFor();
          assert.equal(await card.getByRole("button", { name: "Show credentials" }).count(), 0);
        })(),
      ),
    );

    await t.test(
      "the other options: option 1 names the refused field, option 2 says the organization has its Azure customer already",
      () =>
        explained(
          (async () => {
            await clickNav(admin, "Workspaces");
            await admin.getByTestId("workspaces-table").getByRole("link", { name: "Azure Lab" }).click();
            await admin.getByTestId("providers-table").getByRole("link", { name: "Fabrikam Lab" }).waitFor();
            await admin.getByTestId("providers-section").getByRole("link", { name: "New provider" }).click();
            await admin.getByLabel("Microsoft Azure").check();
            await admin.getByLabel("Use an existing Microsoft Azure customer account").check();
            const form = admin.getByTestId("existing-account-form");
            await form.getByLabel("Provider name").fill("Own subscription");
            await form.getByLabel("Tenant").fill("not a tenant");
            await form.getByLabel("Subscription ID").fill("00000000-0000-0000-0000-000000000001");
            await form.getByLabel("Application (client) ID").fill("00000000-0000-0000-0000-000000000002");
            await form.getByLabel("Client secret").fill("a secret");
            await form.getByRole("button", { name: "Check and add provider" }).click();
            await form.locator("#azure-tenant-error").waitFor();
            await form.getByLabel("Tenant").fill("nobody-here.onmicrosoft.com");
            await form.getByRole("button", { name: "Check and add provider" }).click();
            await form.locator("#azure-tenant-error").getByText("nobody-here.onmicrosoft.com").waitFor();
            assert.equal(
              await form.getByLabel("Client secret").inputValue(),
              "a secret",
              "the secret is kept to retry",
            );

            await admin.getByLabel(/Migrate my account to the partner/).check();
            const migrate = admin.getByTestId("migrate-tenant-form");
            await migrate
              .getByTestId("migrate-prerequisites")
              .getByText(/Enterprise Agreement/)
              .waitFor();
            await migrate.getByLabel("Email for the partner request").fill("it@fabrikam.test");
            await migrate.getByLabel("Primary Azure domain").fill("fabrikam-old.onmicrosoft.com");
            await migrate.getByRole("button", { name: "Send the partner request" }).click();
            // Fabrikam already has its Azure customer (created above): an organization has one.
            await migrate.getByText(/already has an Azure customer/).waitFor();
          })(),
        ),
    );

    await t.test("the organization admin makes Carol administrator of a new cost center", () =>
      explained(
        (async () => {
          await invite(admin, { email: ccAdmin.email, orgRole: "member" });
          await acceptInvitation(carol, await invitationLink(op, product.url, ccAdmin.email), ccAdmin);
          await clickNav(admin, "Cost centers");
          await admin.getByRole("button", { name: "Create cost center" }).click();
          const create = admin.getByRole("dialog");
          await create.getByLabel("Cost center name").fill("Research");
          await create.getByRole("button", { name: "Create cost center" }).click();
          const row = admin.getByTestId("cost-centers-table").getByRole("row", { name: /Research/ });
          await row.getByRole("button", { name: "Administrators" }).click();
          const admins = admin.getByRole("dialog");
          await admins
            .getByLabel("Add administrator")
            .selectOption({ label: `${ccAdmin.name} (${ccAdmin.email})` });
          await admins.getByRole("button", { name: "Add", exact: true }).click();
          await admins.getByTestId("cost-center-admins").getByText(ccAdmin.name).waitFor();
          await admins.getByRole("button", { name: "Done" }).click();
        })(),
      ),
    );

    await t.test("the cost-center admin adds a subscription to the organization's Azure customer", () =>
      explained(
        (async () => {
          await carol.reload();
          await switchTo(carol, "Cost Centers", "Research");
          await connectBillingAccount(carol, "PCCA");
          await acceptTerms(carol, "PCCA");
          await createWorkspace(carol, "Research Lab");
          await startNewCustomerProvider(carol, "Research subscription");
          assert.match(
            (await carol.getByLabel("Billing account").locator("option:checked").textContent()) ?? "",
            /^PCCA/,
          );
          await carol.getByTestId("existing-customer").waitFor();
          assert.equal(await carol.getByTestId("company-profile").count(), 0, "no company profile is asked");
          await carol.getByRole("button", { name: "Create provider" }).click();
          await watchUntilReady(carol);
        })(),
      ),
    );

    await t.test("the cost-center admin renames, asks for a shutdown and deletes a provider", () =>
      explained(
        (async () => {
          await carol.getByRole("button", { name: "Rename" }).click();
          const rename = carol.getByRole("dialog");
          await rename.getByLabel("Provider name").fill("Research (old)");
          await rename.getByRole("button", { name: "Save" }).click();
          await carol.getByRole("heading", { name: "Research (old)" }).waitFor();
          await carol.getByRole("button", { name: "Request account shutdown" }).click();
          const shutdown = carol.getByRole("dialog");
          await shutdown.getByRole("button", { name: "Send request" }).click();
          await shutdown.locator("#shutdown-reason-error").waitFor();
          await shutdown.getByLabel("Reason").fill("The research project has ended.");
          await shutdown.getByRole("button", { name: "Send request" }).click();
          await carol.getByTestId("notice").getByText("shutdown request").waitFor();
          await carol.getByRole("button", { name: "Delete" }).click();
          const confirm = carol.getByRole("dialog");
          await confirm.getByText("This does not close the Azure account").waitFor();
          await confirm.getByRole("button", { name: "Delete provider" }).click();
          assert.match(
            (await carol.getByTestId("deletion-notice").textContent()) ?? "",
            /does not close the Azure customer account/,
          );
        })(),
      ),
    );

    await t.test(
      "the operator finds failed onboardings under Onboarding runs, retries one to ready and cancels another",
      () =>
        explained(
          (async () => {
            // Azure refuses the new subscription once, permanently (a 400 is not retried): the run fails.
            for (const name of ["Fabrikam Staging", "Fabrikam Sandbox"]) {
              await emulator.send("POST", "/_emulator/faults", {
                route: "PUT /providers/Microsoft.Subscription/aliases/:name",
                kind: "status",
                status: 400,
                times: 1,
              });
              await clickNav(admin, "Workspaces");
              await admin.getByTestId("workspaces-table").getByRole("link", { name: "Azure Lab" }).click();
              await startNewCustomerProvider(admin, name);
              await admin.getByTestId("existing-customer").waitFor();
              await admin.getByRole("button", { name: "Create provider" }).click();
              await admin
                .locator('[data-testid="onboarding-state"][data-state="failed"]')
                .waitFor({ timeout: ONBOARDING_MS });
            }

            assert.ok((await navLabels(op)).includes("Onboarding runs"), "operators see Onboarding runs");
            await clickNav(op, "Onboarding runs");
            assert.equal(await op.getByLabel("Show").inputValue(), "needs-attention");
            const row = op.getByTestId("onboarding-run").filter({ hasText: "Fabrikam Staging" });
            await row.waitFor();
            assert.equal(await row.getAttribute("data-state"), "failed");
            const stagingRun = await row.getAttribute("data-run-id");
            assert.ok(stagingRun, "each row names its run");
            assert.match(
              (await row.getByTestId("run-trouble").textContent()) ?? "",
              /Creating the Azure subscription: Azure rejected the request/,
            );
            await op.screenshot({ path: "/tmp/pc-azure-onboarding-runs.png", fullPage: true });

            await row.getByRole("link", { name: "Open" }).click();
            await op.getByRole("heading", { name: "Onboarding of Fabrikam Staging" }).waitFor();
            assert.equal(
              await op.getByRole("button", { name: "Resume" }).isDisabled(),
              true,
              "only stuck runs resume",
            );
            assert.equal(await op.getByRole("button", { name: "Cancel…" }).isEnabled(), true);
            await op.getByTestId("onboarding-reason").getByText("Azure rejected the request").waitFor();
            await op.getByRole("button", { name: "Retry" }).click();
            await op
              .getByTestId("notice")
              .getByText("Trying “Create the Azure subscription” again.")
              .waitFor();
            await op
              .locator('[data-testid="onboarding-state"][data-state="succeeded"]')
              .waitFor({ timeout: ONBOARDING_MS });
            assert.equal(await op.getByRole("button", { name: "Retry" }).isDisabled(), true);
            assert.equal(await op.getByRole("button", { name: "Cancel…" }).isDisabled(), true);
            await op.screenshot({ path: "/tmp/pc-azure-onboarding-run.png", fullPage: true });

            // The retried run has left the list of those needing attention; the other one is still there.
            await clickNav(op, "Onboarding runs");
            const sandbox = op.getByTestId("onboarding-run").filter({ hasText: "Fabrikam Sandbox" });
            await sandbox.waitFor();
            assert.equal(await op.locator(`[data-run-id="${stagingRun}"]`).count(), 0);
            await sandbox.getByRole("link", { name: "Open" }).click();
            await op.getByRole("heading", { name: "Onboarding of Fabrikam Sandbox" }).waitFor();
            await op.getByRole("button", { name: "Cancel…" }).click();
            const cancel = op.getByRole("dialog");
            await cancel.getByText("a customer cannot be deleted").waitFor();
            await cancel.getByRole("button", { name: "Cancel onboarding" }).click();
            await cancel.locator("#cancel-reason-error").waitFor();
            await cancel.getByLabel("Reason").fill("Ordered twice by mistake.");
            await cancel.getByRole("button", { name: "Cancel onboarding" }).click();
            await op.locator('[data-testid="onboarding-state"][data-state="cancelled"]').waitFor();
            assert.match(
              (await op.getByTestId("run-details").textContent()) ?? "",
              /Ordered twice by mistake\./,
            );
            assert.equal(await op.getByRole("button", { name: "Retry" }).isDisabled(), true);

            await clickNav(op, "Onboarding runs");
            await op.getByText("Nothing needs attention").waitFor();
            await op.getByLabel("Show").selectOption("succeeded");
            const done = op.getByTestId("onboarding-run").filter({ hasText: "Fabrikam Staging" });
            await done.getByRole("link", { name: "Fabrikam Staging" }).click();
            await op.getByRole("heading", { name: "Fabrikam Staging" }).waitFor();
            await op.getByTestId("provider-details").locator('[data-state="ready"]').waitFor();
          })(),
        ),
    );

    await t.test("a workspace user sees neither providers nor the way to add one", () =>
      explained(
        (async () => {
          await invite(admin, {
            email: wsUser.email,
            orgRole: "member",
            workspace: { name: "Azure Lab", role: "user" },
          });
          await acceptInvitation(uma, await invitationLink(op, product.url, wsUser.email), wsUser);
          assert.ok(!(await navLabels(uma)).includes("Billing accounts"));
          await clickNav(uma, "Workspaces");
          await uma.getByTestId("workspaces-table").getByRole("link", { name: "Azure Lab" }).click();
          await uma.getByRole("heading", { name: "Azure Lab" }).waitFor();
          await uma.getByRole("heading", { name: "Members" }).waitFor();
          assert.equal(await uma.getByTestId("providers-section").count(), 0);
          await uma.goto(`${uma.url()}/providers/new`);
          await uma.getByText("You cannot add providers to this workspace").waitFor();
          assert.equal(await uma.getByText(/Create a new Azure customer account/).count(), 0);
        })(),
      ),
    );
  },
);
