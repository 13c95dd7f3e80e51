import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { emulatorClient } from "../support/emulator-client.ts";
import { PASSWORD, type Auth } from "../support/harness.ts";
import { billingAccountWithTerms } from "../support/onboarding-world.ts";
import { createWorld, type World } from "../support/world.ts";
import { browserContexts, clickNav } from "./console-steps.ts";
import { hasChromium, launchBrowser } from "./launch-browser.ts";
import { startInProcessProduct, type InProcessProduct } from "./product-in-process.ts";
import { startAzureProvider } from "./provider-steps.ts";

/*
 * Option 2 of a Microsoft Azure provider, in the browser, with the people it involves: the organization's admin who
 * asks, the tenant's Global Administrator who answers in Microsoft's pages (or declines on ours), and an operator who
 * completes the technical account manager's tasks. The product runs in this process, not as `pcloud start`: a
 * migration waits minutes and days for people, so the test takes the workers' turns and moves the platform's fake
 * clock, while the pages follow the run through its live stream as they would in production.
 */

const builtConsole = path.resolve(import.meta.dirname, "..", "..", "dist", "web", "index.html");
const skip =
  hasChromium || process.env["CI"] ? false : "Chromium is not installed (apt-get install -y chromium)";

type Tenant = {
  tenantId: string;
  domain: string;
  admin: { userName: string; password: string };
  subscriptions: { subscriptionId: string; displayName: string; offer: string }[];
};
type Progress = {
  state: string;
  currentStep: string | null;
  migration: { phase: string; gdap: { status: string } | null } | null;
};

let product: InProcessProduct;
let browser: Browser;
let w: World;
const pages = browserContexts(() => browser);

/** The migration a test follows: the provider, and a session of its requester for reading its progress. */
let followed: { auth: Auth; providerId: string } | null = null;

/** Fails with what the run says about itself, which explains a step that did not come. */
async function explained<T>(what: Promise<T>): Promise<T> {
  try {
    return await what;
  } catch (e) {
    const progress = followed ? JSON.stringify(await progressNow().catch(() => null)) : "no provider";
    throw new Error(
      `${e instanceof Error ? e.message : String(e)}\n--- onboarding progress ---\n${progress}`,
      { cause: e },
    );
  }
}

async function progressNow(): Promise<Progress> {
  assert.ok(followed, "a migration is followed");
  const res = await product.h.request(
    followed.auth,
    "GET",
    `/api/v1/providers/${followed.providerId}/onboarding`,
  );
  assert.equal(res.status, 200, res.body);
  return res.json() as Progress;
}

/**
 * Takes the workers' turns, a minute of the platform's clock apart, until the run is where `reached` says: what a
 * person waits for in minutes takes a moment here. The browser pages are never told; they follow the live stream.
 */
async function driveUntil(what: string, reached: (p: Progress) => boolean, maxTurns = 40): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    await product.turn();
    if (reached(await progressNow())) return;
    product.h.clock.advance(61_000);
  }
  assert.fail(`after ${maxTurns} turns the run has not reached: ${what}`);
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(product.url);
  await page.waitForURL(/\/sign-in$/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("user-menu").waitFor();
}

/** A customer's tenant in the emulator, with its Global Administrator and subscriptions. */
async function existingTenant(
  domainPrefix: string,
  subscriptions: { displayName: string; offer: string }[],
): Promise<Tenant> {
  const made = await emulatorClient(product.emu).request("POST", "/_emulator/scenarios", {
    json: { scenario: "existing-tenant", domainPrefix, subscriptions },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body as unknown as Tenant;
}

/** Option 2 in the wizard of `workspaceId`, sent to the tenant's administrator; follows the new provider. */
async function requestMigration(
  page: Page,
  userId: string,
  workspaceId: string,
  name: string,
  tenant: Tenant,
) {
  await page.goto(`${product.url}/workspaces/${workspaceId}`);
  await startAzureProvider(page, /Migrate my account to the partner/);
  const form = page.getByTestId("migrate-tenant-form");
  await form.getByLabel("Provider name").fill(name);
  await form.getByLabel("Email for the partner request").fill(tenant.admin.userName);
  await form.getByLabel("Primary Azure domain").fill(tenant.domain);
  await form.getByRole("button", { name: "Send the partner request" }).click();
  await page.waitForURL(/\/providers\/prv_/);
  const providerId = /\/providers\/(prv_[\w-]+)/.exec(page.url())?.[1];
  assert.ok(providerId, page.url());
  followed = { auth: await product.h.sessionFor(userId), providerId };
  await driveUntil("the invitation is sent", (p) => p.currentStep === "await-acceptance");
}

/** The links of the newest invitation mail to `to`: Microsoft's two, and ours to decline. */
async function invitationLinks(to: string) {
  const [mail] = await product.mailTo(to);
  assert.ok(mail, `an invitation mail to ${to}`);
  const link = (pattern: RegExp) => {
    const found = pattern.exec(mail.text)?.[0];
    assert.ok(found, `${pattern.source} in the mail:\n${mail.text}`);
    return found;
  };
  return {
    subject: mail.subject,
    reseller: link(/https:\/\/\S+\/partner-invitation\?\S+/),
    gdap: link(/https:\/\/\S+granularAdminRelationships\/\S+/),
    decline: link(/http:\/\/127\.0\.0\.1:\d+\/migration-invitations\/[\w-]{43}/),
  };
}

/** A browser of the customer's own, which trusts the emulator's pages as it would Microsoft's. */
async function customerBrowser(): Promise<Page> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

/** Set once in the org admin's page: still there at the end proves the page never reloaded. */
const NOT_RELOADED = "__migrationPageNotReloaded";

before(async () => {
  if (skip) return;
  assert.ok(existsSync(builtConsole), "build the console first: npm run build:web");
  product = await startInProcessProduct("browser-migration");
  w = await createWorld(product.h);
  const { partnerCloud } = product.seed;
  await billingAccountWithTerms(product.h, w, { ...partnerCloud, alias: "PCUK" });
  await billingAccountWithTerms(product.h, w, { ...partnerCloud, alias: "PCCA", orgId: w.orgB.id });
  browser = await launchBrowser();
});

after(async () => {
  await pages.closeAll();
  await browser?.close().catch(() => undefined);
  await product?.stop();
});

void test(
  "an organization admin migrates an existing tenant: its administrator accepts, an operator completes the technical tasks, the page follows live to ready",
  { skip },
  async (t) => {
    const tenant = await existingTenant("contosoold", [
      { displayName: "Contoso Production", offer: "PayAsYouGo" },
      { displayName: "Contoso Legacy", offer: "EnterpriseAgreement" },
      { displayName: "Contoso Sandbox", offer: "MSDN" },
    ]);
    const admin = await pages.newPage();
    const production = tenant.subscriptions.find((s) => s.displayName === "Contoso Production");
    const legacy = tenant.subscriptions.find((s) => s.displayName === "Contoso Legacy");
    const sandbox = tenant.subscriptions.find((s) => s.displayName === "Contoso Sandbox");
    assert.ok(production && legacy && sandbox, "the scenario made the three subscriptions");
    const panel = admin.getByTestId("migration");
    const phase = (p: string) => admin.locator(`[data-testid="migration"][data-phase="${p}"]`);

    await t.test("the organization admin sends the partner request from the wizard", () =>
      explained(
        (async () => {
          await signIn(admin, "admin@a.test");
          await requestMigration(admin, w.ids.orgAdmin, w.ws1.id, "Contoso Production", tenant);
          await admin.evaluate((key) => Object.assign(window, { [key]: true }), NOT_RELOADED);
          await phase("invitation_sent").waitFor();
          const status = admin.getByTestId("migration-status");
          assert.equal(await status.getAttribute("role"), "status", "the phase is a live region");
          assert.equal(
            (await admin.getByTestId("migration-headline").textContent()) ?? "",
            `Invitation sent — waiting for ${tenant.admin.userName} to accept`,
          );
          assert.match(
            (await admin.getByTestId("migration-actor").textContent()) ?? "",
            /The tenant's Azure administrator/,
          );
          const invitation = admin.getByTestId("migration-invitation");
          assert.equal(await invitation.getByTestId("invitation-to").textContent(), tenant.admin.userName);
          assert.match(
            (await invitation.getByTestId("reseller-link").textContent()) ?? "",
            /partner-invitation/,
          );
          assert.match(
            (await panel.getByTestId("gdap-status").textContent()) ?? "",
            /approvalPending/,
            "the GDAP request waits for approval",
          );
          await admin.screenshot({ path: "/tmp/pc-migration-sent.png", fullPage: true });
        })(),
      ),
    );

    await t.test("the admin sends the invitation again: a second mail, and the card counts it", () =>
      explained(
        (async () => {
          await admin.getByRole("button", { name: "Send again" }).click();
          await admin
            .getByTestId("resend-notice")
            .getByText(`The invitation was sent again to ${tenant.admin.userName}.`)
            .waitFor();
          await admin.getByTestId("migration-invitation").getByText("sent 2 times").waitFor();
          await product.turn();
          assert.equal((await product.mailTo(tenant.admin.userName)).length, 2, "two invitation mails");
          assert.match((await invitationLinks(tenant.admin.userName)).subject, /sent again/);
        })(),
      ),
    );

    await t.test(
      "the tenant's administrator reads who asks, approves the admin relationship and accepts the reseller relationship",
      () =>
        explained(
          (async () => {
            const links = await invitationLinks(tenant.admin.userName);
            const customer = await customerBrowser();
            try {
              // Our own page, without signing in: who asks, for which directory, until when.
              await customer.goto(links.decline);
              await customer
                .getByRole("heading", { name: "Test Partner asks to become your Azure partner" })
                .waitFor();
              assert.equal(await customer.getByTestId("invitation-domain").textContent(), tenant.domain);
              assert.equal(await customer.getByTestId("invitation-organization").textContent(), "Org A");
              await customer.getByTestId("invitation-expires").waitFor();
              await customer.getByRole("button", { name: "Decline the invitation" }).waitFor();
              await customer.screenshot({ path: "/tmp/pc-migration-public.png", fullPage: true });

              // Microsoft's pages: sign in as the tenant's Global Administrator, approve GDAP, accept the reseller.
              await customer.goto(links.gdap);
              await customer.getByLabel("Email or username").fill(tenant.admin.userName);
              await customer.getByLabel("Password").fill(tenant.admin.password);
              await customer.getByRole("button", { name: "Sign in" }).click();
              await customer.getByRole("button", { name: "Approve" }).click();
              await customer.getByRole("heading", { name: "Approved" }).waitFor();
              await driveUntil("the run sees the approved GDAP request", (p) =>
                /active/i.test(p.migration?.gdap?.status ?? ""),
              );
              await panel
                .getByTestId("gdap-status")
                .getByText(/active/i)
                .waitFor();

              await customer.goto(links.reseller);
              await customer.getByRole("checkbox").check();
              await customer.getByRole("button", { name: "Accept" }).click();
              await customer.getByRole("heading", { name: "You accepted the invitation" }).waitFor();
            } finally {
              await customer.context().close();
            }
          })(),
        ),
    );

    await t.test("the organization admin's page shows the subscriptions moving and who acts now", () =>
      explained(
        (async () => {
          await driveUntil(
            "the subscriptions are planned",
            (p) => p.migration?.phase === "subscriptions_transferring",
          );
          await phase("subscriptions_transferring").waitFor();
          assert.match(
            (await admin.getByTestId("migration-actor").textContent()) ?? "",
            /technical account manager/,
          );
          assert.match(
            (await admin.getByTestId("migration-headline").textContent()) ?? "",
            /0 of 3 under the partner/,
          );
          const rows = panel.getByTestId("migration-subscription");
          assert.equal(await rows.count(), 3);
          const productionRow = panel.locator(`[data-subscription-id="${production.subscriptionId}"]`);
          const legacyRow = panel.locator(`[data-subscription-id="${legacy.subscriptionId}"]`);
          assert.match((await productionRow.textContent()) ?? "", /Pay-as-you-go/);
          assert.match((await legacyRow.textContent()) ?? "", /Enterprise Agreement/);
          assert.equal(await legacyRow.getAttribute("data-state"), "waiting");
          const tasks = panel.getByTestId("migration-task");
          assert.equal(await tasks.count(), 3, "a transfer and two moves for the technical account manager");
          assert.deepEqual(await tasks.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-state"))), [
            "open",
            "open",
            "open",
          ]);
          await panel.getByTestId("invitation-accepted").waitFor();
          assert.equal(
            await admin.getByRole("button", { name: "Send again" }).count(),
            0,
            "an accepted invitation is not sent again",
          );
          await admin.screenshot({ path: "/tmp/pc-migration-moving.png", fullPage: true });
        })(),
      ),
    );

    await t.test("the organization admin leaves the sandbox subscription out: it stays as it is", () =>
      explained(
        (async () => {
          await panel.getByRole("button", { name: "Leave Contoso Sandbox out" }).click();
          const confirm = admin.getByRole("dialog");
          await confirm.getByText("its technical task is cancelled").waitFor();
          await confirm.getByRole("button", { name: "Leave it out" }).click();
          await panel
            .locator(`[data-subscription-id="${sandbox.subscriptionId}"][data-state="left_out"]`)
            .waitFor();
          await admin.getByTestId("migration-headline").getByText("0 of 2 under the partner").waitFor();
          assert.equal(
            await panel.getByRole("button", { name: "Leave Contoso Sandbox out" }).count(),
            0,
            "a subscription left out cannot be left out again",
          );
          assert.deepEqual(
            await panel
              .getByTestId("migration-task")
              .evaluateAll((rs) => rs.map((r) => r.getAttribute("data-state")).sort()),
            ["cancelled", "open", "open"],
          );
        })(),
      ),
    );

    await t.test("an operator completes both technical tasks, the move with its new subscription", () =>
      explained(
        (async () => {
          const { emu, seed } = product;
          const control = emulatorClient(emu);
          // Microsoft completes the pay-as-you-go billing transfer the technical account manager arranged…
          const transferred = await control.request(
            "POST",
            `/_emulator/subscriptions/${production.subscriptionId}/billing-transfer`,
            { json: { partnerTenantId: seed.tenantId } },
          );
          assert.equal(transferred.status, 200, JSON.stringify(transferred.body));
          // …and Legacy's resources are moved into a new subscription under the partner's Azure plan.
          const created = await control.request(
            "POST",
            `/_emulator/tenants/${tenant.tenantId}/subscriptions`,
            {
              json: {
                displayName: "Contoso Legacy (CSP)",
                offer: "AzurePlan",
                partnerTenantId: seed.tenantId,
              },
            },
          );
          assert.equal(created.status, 201, JSON.stringify(created.body));
          const moved = created.body as unknown as { subscriptionId: string };

          const op = await pages.newPage();
          await signIn(op, "op@partner.test");
          await clickNav(op, "Technical tasks");
          await op.getByRole("heading", { name: "Technical tasks" }).waitFor();
          const open = op.getByTestId("technical-task");
          await open.first().waitFor();
          assert.equal(await open.count(), 2);
          const transfer = op.locator('[data-testid="technical-task"][data-kind="transfer_subscription"]');
          assert.match((await transfer.textContent()) ?? "", /Org A/);
          assert.match((await transfer.textContent()) ?? "", /Contoso Production/);
          await transfer.getByRole("button", { name: "Complete…" }).click();
          const transferDialog = op.getByRole("dialog");
          assert.equal(
            await transferDialog.getByLabel("New subscription id").count(),
            0,
            "a transfer names none",
          );
          await transferDialog
            .getByLabel("Note (optional)")
            .fill("Microsoft completed the billing transfer.");
          await transferDialog.getByRole("button", { name: "Mark as done" }).click();
          await op.getByTestId("notice").getByText("is done").waitFor();

          const move = op.locator('[data-testid="technical-task"][data-kind="move_resources"]');
          await move.getByRole("button", { name: "Complete…" }).click();
          const dialog = op.getByRole("dialog");
          const target = dialog.getByLabel("New subscription id");
          await target.fill("not a subscription id");
          await dialog.getByRole("button", { name: "Mark as done" }).click();
          await dialog.locator("#task-target-subscription-error").getByText(/GUID/).waitFor();
          // The subscription the resources move out of cannot take over: the server says so on the field.
          await target.fill(legacy.subscriptionId);
          await dialog.getByRole("button", { name: "Mark as done" }).click();
          await dialog
            .locator("#task-target-subscription-error")
            .getByText(/the subscription the resources move out of/)
            .waitFor();
          await target.fill(moved.subscriptionId);
          await dialog.getByLabel("Note (optional)").fill("Moved on a call with Contoso's IT.");
          await dialog.getByRole("button", { name: "Mark as done" }).click();
          await op.getByText("No open tasks").waitFor();
          await op.getByLabel("Show").selectOption("done");
          await op.locator('[data-testid="technical-task"][data-state="done"]').nth(1).waitFor();
          await op.screenshot({ path: "/tmp/pc-migration-tasks.png", fullPage: true });
        })(),
      ),
    );

    await t.test("the organization admin's page reaches ready without a reload", () =>
      explained(
        (async () => {
          await driveUntil("the run succeeds", (p) => p.state === "succeeded");
          await phase("ready").waitFor();
          await admin.locator('[data-testid="onboarding-state"][data-state="succeeded"]').waitFor();
          assert.match(
            (await admin.getByTestId("migration-actor").textContent()) ?? "",
            /Nobody needs to act/,
          );
          const states = await panel
            .getByTestId("migration-subscription")
            .evaluateAll((rs) => rs.map((r) => r.getAttribute("data-state")));
          assert.deepEqual(states.sort(), ["left_out", "under_management", "under_management"]);
          assert.deepEqual(
            await panel
              .getByTestId("migration-task")
              .evaluateAll((rs) => rs.map((r) => r.getAttribute("data-state")).sort()),
            ["cancelled", "done", "done"],
          );
          await admin.getByTestId("provider-details").locator('[data-state="ready"]').waitFor();
          assert.equal(
            await admin.evaluate((key) => (window as unknown as Record<string, unknown>)[key], NOT_RELOADED),
            true,
            "the page followed the migration without a reload",
          );
          await admin.screenshot({ path: "/tmp/pc-migration-ready.png", fullPage: true });
        })(),
      ),
    );

    await t.test("the organization admin reads the whole migration in the provider's audit trail", () =>
      explained(
        (async () => {
          await admin.getByRole("link", { name: "the provider's audit trail" }).click();
          const table = admin.getByTestId("audit-table");
          await table.waitFor();
          const actions = await table
            .locator("code.action")
            .evaluateAll((cells) => cells.map((c) => c.textContent ?? ""));
          for (const action of [
            "provider.created",
            "migration.invitation_sent",
            "migration.invitation_resent",
            "migration.accepted",
            "migration.subscriptions_planned",
            "migration.subscription_left_out",
            "migration.task_completed",
            "onboarding.run_succeeded",
          ])
            assert.ok(actions.includes(action), `${action} in the trail: ${actions.join(", ")}`);
        })(),
      ),
    );
  },
);

void test(
  "the tenant's administrator declines from the mail's link; the requester reads why, sends it again and the page follows the revived run",
  { skip },
  async (t) => {
    const tenant = await existingTenant("northwindold", [{ displayName: "Northwind", offer: "PayAsYouGo" }]);
    const admin = await pages.newPage();
    const reason = "We keep our Enterprise Agreement with Microsoft this year.";
    const live = admin.getByText("· updates live");

    await t.test("the organization admin of another organization sends the partner request", () =>
      explained(
        (async () => {
          await signIn(admin, "admin@b.test");
          await requestMigration(admin, w.ids.otherOrgAdmin, w.wsB.id, "Northwind", tenant);
          await admin.locator('[data-testid="migration"][data-phase="invitation_sent"]').waitFor();
          await live.waitFor();
        })(),
      ),
    );

    await t.test("the administrator declines on Partner Cloud's page, without an account, saying why", () =>
      explained(
        (async () => {
          const links = await invitationLinks(tenant.admin.userName);
          const customer = await customerBrowser();
          try {
            await customer.goto(links.decline);
            await customer.getByTestId("invitation-domain").getByText(tenant.domain).waitFor();
            await customer.getByLabel("Reason (optional)").fill(reason);
            await customer.getByRole("button", { name: "Decline the invitation" }).click();
            await customer
              .getByTestId("decline-confirmation")
              .getByText(`You declined Test Partner's invitation for ${tenant.domain}.`)
              .waitFor();
            await customer.reload();
            await customer.getByRole("heading", { name: "This invitation was declined" }).waitFor();
          } finally {
            await customer.context().close();
          }
        })(),
      ),
    );

    await t.test("the requester's page says who declined and why, and the run has stopped", () =>
      explained(
        (async () => {
          await driveUntil("the run sees the decline", (p) => p.state === "failed");
          await admin.locator('[data-testid="migration"][data-phase="declined"]').waitFor();
          assert.equal(await admin.getByTestId("migration-headline").textContent(), `Declined: ${reason}`);
          await admin.locator('[data-testid="onboarding-state"][data-state="failed"]').waitFor();
          assert.equal(await live.count(), 0, "the stream of an ended run is closed");
          await admin.screenshot({ path: "/tmp/pc-migration-declined.png", fullPage: true });
        })(),
      ),
    );

    await t.test("Send again re-opens the invitation, revives the run and follows it live again", () =>
      explained(
        (async () => {
          await admin.getByRole("button", { name: "Send again" }).click();
          await admin.locator('[data-testid="migration"][data-phase="invitation_sent"]').waitFor();
          await admin.getByTestId("resend-notice").waitFor();
          await admin.locator('[data-testid="onboarding-state"][data-state="running"]').waitFor();
          await live.waitFor();
          assert.equal((await progressNow()).currentStep, "await-acceptance");
          await product.turn();
          const [again] = await product.mailTo(tenant.admin.userName);
          assert.match(again?.subject ?? "", /sent again/);
        })(),
      ),
    );
  },
);
