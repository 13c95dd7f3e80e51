import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { hasChromium, launchBrowser } from "./launch-browser.ts";
import { startProduct, type RunningProduct } from "./start-product.ts";

const builtConsole = path.resolve(import.meta.dirname, "..", "..", "dist", "web", "index.html");
// Outside CI a machine without Chromium skips the browser tests; in CI a missing browser is a failure.
const skip =
  hasChromium || process.env["CI"] ? false : "Chromium is not installed (apt-get install -y chromium)";

const operator = {
  partner: "Northwind Partners",
  name: "Olivia Operator",
  email: "olivia@northwind.test",
  password: "operator password 1",
};
const orgAdmin = { name: "Adam Admin", email: "adam@contoso.test", password: "org admin password 1" };
const member = { email: "mia@contoso.test" };
const viewport = { width: 1366, height: 768 };

let product: RunningProduct;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

const visible = (page: Page, selector: Parameters<Page["getByText"]>[0]) =>
  page.getByText(selector).first().waitFor({ state: "visible" });

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function clickNav(page: Page, label: string) {
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: label, exact: true })
    .click();
}

async function switchTo(page: Page, tab: string, name: string) {
  await page.getByTestId("context-switcher").click();
  const panel = page.getByRole("dialog", { name: "Switch context" });
  await panel.getByRole("tab", { name: tab }).click();
  await panel.getByRole("searchbox").fill(name);
  await panel.locator(".switcher-choose", { hasText: name }).first().click();
  await page.getByTestId("current-scope").getByText(name, { exact: true }).waitFor();
}

/** Polls the Mailbox page until a mail to `to` is there, and returns the invitation link in it. */
async function invitationLinkFromMailbox(page: Page, to: string): Promise<string> {
  await clickNav(page, "Mailbox");
  const deadline = Date.now() + 20_000;
  const item = page.locator(".mail-item", { hasText: to }).first();
  while (!(await item.isVisible())) {
    assert.ok(Date.now() < deadline, `no mail to ${to} arrived in the mailbox`);
    await page.waitForTimeout(500);
    await page.getByRole("button", { name: "Refresh" }).click();
  }
  await item.click();
  const link = await page
    .getByTestId("mail-view")
    .locator('a[href*="/invite#token="]')
    .first()
    .getAttribute("href");
  assert.ok(link, "the invitation mail has a link to /invite#token=…");
  return link;
}

before(async () => {
  if (skip) return;
  assert.ok(existsSync(builtConsole), "build the console first: npm run build:web");
  product = await startProduct();
  browser = await launchBrowser();
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await product?.stop();
});

void test(
  "a partner sets up the console, onboards an organization admin, who organizes the organization",
  { skip },
  async (t) => {
    const page = await newPage();
    let invitationLink = "";

    await t.test("first-run setup creates the operator and signs them in", async () => {
      await page.goto(product.url);
      await page.waitForURL(/\/setup$/);
      await page.getByLabel("Partner name").fill(operator.partner);
      await page.getByLabel("Your name").fill(operator.name);
      await page.getByLabel("Email").fill(operator.email);
      await page.getByLabel("Password").fill(operator.password);
      await page.getByRole("button", { name: "Create operator account" }).click();
      await page.getByTestId("user-menu").getByText(operator.name).waitFor();
      await page.waitForURL(/\/organizations$/);
    });

    await t.test("the operator creates an organization", async () => {
      await page.getByRole("button", { name: "Create organization" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Organization name").fill("Contoso");
      await dialog.getByRole("button", { name: "Create organization" }).click();
      await page.getByTestId("organizations-table").getByText("Contoso").waitFor();
      await page.getByTestId("current-scope").getByText("Contoso").waitFor();
    });

    await t.test("the operator invites the organization's admin through the console", async () => {
      await clickNav(page, "Users");
      await page.getByRole("button", { name: "Invite user" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Email").fill(orgAdmin.email);
      await dialog.getByLabel("Organization role").selectOption("admin");
      await dialog.getByRole("button", { name: "Send invitation" }).click();
      await page.getByTestId("notice").getByText(orgAdmin.email).waitFor();
      await page.getByTestId("invitations-table").getByText(orgAdmin.email).waitFor();
    });

    await t.test("the invitation mail is in the operator's mailbox", async () => {
      invitationLink = await invitationLinkFromMailbox(page, orgAdmin.email);
      assert.ok(invitationLink.startsWith(`${product.url}/invite#token=`), invitationLink);
    });

    const admin = await newPage();

    await t.test(
      "the invitee accepts in a fresh browser and is signed in as organization admin",
      async () => {
        await admin.goto(invitationLink);
        await admin.getByTestId("invite-email").getByText(orgAdmin.email).waitFor();
        await admin.getByTestId("invite-organization").getByText("Contoso").waitFor();
        await admin.getByLabel("Your name").fill(orgAdmin.name);
        await admin.getByLabel("Choose a password").fill(orgAdmin.password);
        await admin.getByRole("button", { name: "Accept invitation" }).click();
        await admin.getByTestId("user-menu").getByText(orgAdmin.name).waitFor();
        await admin.waitForURL(/\/overview$/);
        await admin.getByTestId("current-scope").getByText("Contoso").waitFor();
        const nav = await admin.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
        assert.deepEqual(nav, [
          "Overview",
          "Cost centers",
          "Workspaces",
          "Billing accounts",
          "Invoices",
          "Price plan",
          "Users",
          "Audit log",
        ]);
      },
    );

    await t.test("the context switcher moves from the organization to a cost center", async () => {
      await admin.getByTestId("context-switcher").click();
      const tabs = await admin
        .getByRole("dialog", { name: "Switch context" })
        .getByRole("tab")
        .allTextContents();
      assert.deepEqual(tabs, ["Organizations", "Cost Centers", "Workspaces", "Favorites"]);
      await admin.keyboard.press("Escape");
      await switchTo(admin, "Cost Centers", "Default");
      await clickNav(admin, "Workspaces");
      await visible(admin, "In cost center Default");
    });

    await t.test("the organization admin creates a cost center", async () => {
      await clickNav(admin, "Cost centers");
      await admin.getByRole("button", { name: "Create cost center" }).click();
      const dialog = admin.getByRole("dialog");
      await dialog.getByLabel("Cost center name").fill("Research");
      await dialog.getByRole("button", { name: "Create cost center" }).click();
      await admin.getByTestId("cost-centers-table").getByText("Research").waitFor();
    });

    await t.test("the organization admin creates a team workspace in the new cost center", async () => {
      await switchTo(admin, "Cost Centers", "Research");
      await clickNav(admin, "Workspaces");
      await visible(admin, "No workspaces here yet");
      await admin.getByRole("button", { name: "Create team workspace" }).click();
      const dialog = admin.getByRole("dialog");
      await dialog.getByLabel("Workspace name").fill("Quantum Lab");
      assert.equal(
        await dialog.getByLabel("Cost center").locator("option:checked").textContent(),
        "Research",
      );
      await dialog.getByTitle("Lab").click();
      assert.equal(await dialog.getByRole("radio", { name: "Lab" }).isChecked(), true);
      await dialog.getByRole("button", { name: "Create workspace" }).click();
      await admin.waitForURL(/\/workspaces\/ws_/);
      await admin.getByRole("heading", { name: "Quantum Lab" }).waitFor();
      await clickNav(admin, "Workspaces");
      await admin.getByTestId("workspaces-table").getByRole("link", { name: "Quantum Lab" }).waitFor();
    });

    await t.test("a workspace starred in the context switcher is listed under Favorites", async () => {
      await admin.getByTestId("context-switcher").click();
      const panel = admin.getByRole("dialog", { name: "Switch context" });
      await panel.getByRole("tab", { name: "Workspaces" }).click();
      await panel.getByRole("button", { name: "Add Quantum Lab to favorites" }).click();
      await panel.getByRole("button", { name: "Remove Quantum Lab from favorites" }).waitFor();
      await panel.getByRole("tab", { name: "Favorites" }).click();
      await panel.getByTestId("switcher-list").getByText("Quantum Lab").waitFor();
      await admin.keyboard.press("Escape");
    });

    await t.test("the organization admin invites a user into the workspace", async () => {
      await clickNav(admin, "Users");
      await admin.getByRole("button", { name: "Invite user" }).click();
      const dialog = admin.getByRole("dialog");
      await dialog.getByLabel("Email").fill(member.email);
      await dialog.getByLabel("Organization role").selectOption("member");
      await dialog.getByLabel("Workspace (optional)").selectOption({ label: "Quantum Lab" });
      await dialog.getByLabel("Workspace role").selectOption("author");
      await dialog.getByRole("button", { name: "Send invitation" }).click();
      const row = admin.getByTestId("invitations-table").getByRole("row", { name: new RegExp(member.email) });
      await row.getByText("Quantum Lab").waitFor();
    });

    await t.test("the audit log lists those actions", async () => {
      await clickNav(admin, "Audit log");
      const table = admin.getByTestId("audit-table");
      for (const action of ["cost_center.created", "workspace.created", "invitation.created"]) {
        await table.getByText(action, { exact: true }).first().waitFor();
      }
      await admin.getByLabel("Action").fill("workspace.created");
      await admin.getByRole("button", { name: "Filter" }).click();
      await admin.getByRole("button", { name: "Clear" }).waitFor();
      await waitUntil("only workspace.created rows are listed", async () => {
        const actions = await table.locator("code.action").allTextContents();
        return actions.length > 0 && actions.every((a) => a === "workspace.created");
      });
    });

    await t.test("the main screen looks right (screenshot)", async () => {
      await clickNav(admin, "Workspaces");
      await admin.getByTestId("workspaces-table").waitFor();
      await admin.screenshot({ path: "/tmp/pc-console.png" });
      await admin.getByTestId("context-switcher").click();
      await admin.getByRole("dialog", { name: "Switch context" }).waitFor();
      await admin.screenshot({ path: "/tmp/pc-console-switcher.png" });
      await admin.keyboard.press("Escape");
    });

    await t.test("signing out, then signing in with a wrong password shows the error", async () => {
      await admin.getByTestId("user-menu").click();
      await admin.getByRole("menuitem", { name: "Sign out" }).click();
      await admin.waitForURL(/\/sign-in$/);
      await admin.getByLabel("Email").fill(orgAdmin.email);
      await admin.getByLabel("Password").fill("not the password at all");
      await admin.getByRole("button", { name: "Sign in" }).click();
      const error = admin.getByTestId("form-error");
      await error.waitFor();
      assert.ok(((await error.textContent()) ?? "").length > 0);
      await admin.getByLabel("Password").fill(orgAdmin.password);
      await admin.getByRole("button", { name: "Sign in" }).click();
      await admin.getByTestId("user-menu").getByText(orgAdmin.name).waitFor();
    });
  },
);
