import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { RunningProduct } from "./start-product.ts";

/** Steps of the console that several browser tests walk through: setup, organizations, invitations, scopes. */

export type Person = { name: string; email: string; password: string };

const viewport = { width: 1366, height: 900 };

/** Fresh browser contexts (one per signed-in person), closed together at the end. */
export function browserContexts(browser: () => Browser) {
  const contexts: BrowserContext[] = [];
  return {
    async newPage(): Promise<Page> {
      const context = await browser().newContext({ viewport });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      return context.newPage();
    },
    async closeAll(): Promise<void> {
      for (const context of contexts) await context.close().catch(() => undefined);
    },
  };
}

export async function clickNav(page: Page, label: string): Promise<void> {
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: label, exact: true })
    .click();
}

export async function navLabels(page: Page): Promise<string[]> {
  return page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
}

export async function switchTo(page: Page, tab: string, name: string): Promise<void> {
  await page.getByTestId("context-switcher").click();
  const panel = page.getByRole("dialog", { name: "Switch context" });
  await panel.getByRole("tab", { name: tab }).click();
  await panel.getByRole("searchbox").fill(name);
  await panel.locator(".switcher-choose", { hasText: name }).first().click();
  await page.getByTestId("current-scope").getByText(name, { exact: true }).waitFor();
}

/** First-run setup: the partner's operator account, signed in afterwards. */
export async function setUpOperator(page: Page, url: string, operator: Person & { partner: string }) {
  await page.goto(url);
  await page.waitForURL(/\/setup$/);
  await page.getByLabel("Partner name").fill(operator.partner);
  await page.getByLabel("Your name").fill(operator.name);
  await page.getByLabel("Email").fill(operator.email);
  await page.getByLabel("Password").fill(operator.password);
  await page.getByRole("button", { name: "Create operator account" }).click();
  await page.getByTestId("user-menu").getByText(operator.name).waitFor();
}

export async function createOrganization(page: Page, name: string): Promise<void> {
  await clickNav(page, "Organizations");
  await page.getByRole("button", { name: "Create organization" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Organization name").fill(name);
  await dialog.getByRole("button", { name: "Create organization" }).click();
  await page.getByTestId("current-scope").getByText(name).waitFor();
}

export type InvitationInput = {
  email: string;
  orgRole: "admin" | "member";
  workspace?: { name: string; role: "visitor" | "user" | "author" | "admin" };
};

/** Invites someone from the Users page of the current organization. */
export async function invite(page: Page, input: InvitationInput): Promise<void> {
  await clickNav(page, "Users");
  await page.getByRole("button", { name: "Invite user" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill(input.email);
  await dialog.getByLabel("Organization role").selectOption(input.orgRole);
  if (input.workspace) {
    await dialog.getByLabel("Workspace (optional)").selectOption({ label: input.workspace.name });
    await dialog.getByLabel("Workspace role").selectOption(input.workspace.role);
  }
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await page.getByTestId("invitations-table").getByText(input.email).waitFor();
}

/** The invitation link mailed to `to`, read from the captured mailbox with an operator's session. */
export async function invitationLink(operatorPage: Page, url: string, to: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await operatorPage.request.get(`${url}/api/v1/mailbox?limit=200`);
    assert.equal(answer.status(), 200, await answer.text());
    const { items } = (await answer.json()) as { items: { to: string[]; text: string }[] };
    const link = items
      .filter((m) => m.to.includes(to))
      .map((m) => /https?:\/\/\S+\/invite#token=[\w-]+/.exec(m.text)?.[0])
      .find((l) => l !== undefined);
    if (link) return link;
    assert.ok(Date.now() < deadline, `no invitation mail to ${to} arrived`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Accepts an invitation in a fresh browser and waits until the console shows the new user signed in. */
export async function acceptInvitation(page: Page, link: string, person: Person): Promise<void> {
  await page.goto(link);
  await page.getByTestId("invite-email").getByText(person.email).waitFor();
  await page.getByLabel("Your name").fill(person.name);
  await page.getByLabel("Choose a password").fill(person.password);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await page.getByTestId("user-menu").getByText(person.name).waitFor();
}

/** The demo partner cloud's Account Administrator, as the product wrote it into its data directory. */
export async function partnerCloudAdmin(dataDir: string): Promise<{ userName: string; password: string }> {
  const file = path.join(dataDir, "emulator", "partner-cloud-admin.json");
  const parsed = JSON.parse(await readFile(file, "utf8")) as { userName?: unknown; password?: unknown };
  assert.ok(
    typeof parsed.userName === "string" && typeof parsed.password === "string",
    `${file} names the partner cloud admin`,
  );
  return { userName: parsed.userName, password: parsed.password };
}

export type EmulatorControl = {
  url: string;
  send(method: "GET" | "PUT" | "POST", path: string, body?: unknown): Promise<unknown>;
};

/**
 * The control plane of the product's embedded emulator: its address comes from the product's start-up banner,
 * its certificate authority from the data directory.
 */
export async function embeddedEmulator(product: RunningProduct): Promise<EmulatorControl> {
  const found = /Microsoft: the embedded emulator at (https:\/\/[\w.:-]+)/.exec(product.output());
  assert.ok(found?.[1], `the product names its embedded emulator:\n${product.output()}`);
  const url = found[1];
  const ca = await readFile(path.join(product.dataDir, "emulator", "tls", "ca.pem"), "utf8");
  return {
    url,
    send(method, route, body) {
      return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = httpsRequest(
          `${url}${route}`,
          {
            method,
            ca,
            headers: payload ? { "content-type": "application/json" } : {},
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (text += chunk));
            res.on("end", () => {
              if ((res.statusCode ?? 500) >= 300)
                reject(new Error(`${method} ${route} answered ${res.statusCode}: ${text}`));
              else resolve(text ? (JSON.parse(text) as unknown) : null);
            });
          },
        );
        req.on("error", reject);
        req.end(payload);
      });
    },
  };
}

/** Connects one of the demo partner cloud's accounts to the current organization from the Billing accounts page. */
export async function connectBillingAccount(page: Page, dataDir: string, alias: string): Promise<void> {
  const admin = await partnerCloudAdmin(dataDir);
  await clickNav(page, "Billing accounts");
  await page.getByRole("button", { name: "Connect a partner cloud account" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Partner cloud username").fill(admin.userName);
  await dialog.getByLabel("Partner cloud password").fill(admin.password);
  await dialog.getByRole("button", { name: "Sign in and list accounts" }).click();
  await dialog.getByRole("heading", { name: "Choose the account to bill" }).waitFor();
  await dialog
    .locator(`[data-testid="discovered-account"][data-alias="${alias}"]`)
    .getByRole("radio")
    .check();
  await dialog.getByRole("button", { name: "Connect account" }).click();
  await page.getByTestId("billing-accounts-table").locator(`tr[data-alias="${alias}"]`).waitFor();
}
