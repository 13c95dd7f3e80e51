import assert from "node:assert/strict";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import type { OutgoingMail } from "../../src/integrations/mail/index.ts";
import { openSignedIn } from "./admin-center-sign-in.ts";
import { emulatorBrowser, type PageResponse } from "./emulator-browser.ts";
import { emulatorClient } from "./emulator-client.ts";

/** A customer's existing tenant as the emulator's `existing-tenant` scenario answers it. */
export type ExistingTenant = {
  tenantId: string;
  domain: string;
  companyName: string;
  admin: { userName: string; password: string };
  subscriptions: { subscriptionId: string; displayName: string; offer: string }[];
  otherPartner: { tenantId: string; displayName: string } | null;
};

type Offer = "PayAsYouGo" | "EnterpriseAgreement" | "MSDN" | "AzurePlan";

/** Creates a tenant with its Global Administrator and subscriptions (and another reseller partner, if named). */
export async function existingTenant(
  emu: RunningEmulator,
  p: {
    domainPrefix: string;
    subscriptions: { displayName: string; offer: Offer }[];
    otherPartner?: string;
  },
): Promise<ExistingTenant> {
  const res = await emulatorClient(emu).request("POST", "/_emulator/scenarios", {
    json: { scenario: "existing-tenant", ...p },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as unknown as ExistingTenant;
}

/** A subscription someone creates in the tenant outside Partner Cloud (in Azure's portal, say). */
export async function newSubscription(
  emu: RunningEmulator,
  tenantId: string,
  p: { displayName: string; offer: Offer; partnerTenantId?: string },
): Promise<string> {
  const res = await emulatorClient(emu).request("POST", `/_emulator/tenants/${tenantId}/subscriptions`, {
    json: p,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return (res.body as { subscriptionId: string }).subscriptionId;
}

/** Microsoft completes a subscription's billing transfer to a partner's Azure plan. */
export async function billingTransfer(
  emu: RunningEmulator,
  subscriptionId: string,
  partnerTenantId: string,
): Promise<void> {
  const res = await emulatorClient(emu).request(
    "POST",
    `/_emulator/subscriptions/${subscriptionId}/billing-transfer`,
    { json: { partnerTenantId } },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** The two links of an invitation mail: Microsoft's reseller relationship page, and the decline page's token. */
export function invitationLinks(mail: OutgoingMail | undefined): { reseller: string; token: string } {
  const text = mail?.text ?? "";
  const reseller = /https:\/\/\S+partner-invitation\S+/.exec(text)?.[0];
  const token = /\/migration-invitations\/([\w-]{43})/.exec(text)?.[1];
  assert.ok(reseller && token, `an invitation mail with both links:\n${text}`);
  return { reseller, token };
}

/**
 * The reseller relationship page the mail links to, opened in a browser by a user who signs in there; `answer`
 * submits its form as that user (any number of times, at once if wanted).
 */
export async function invitationPage(
  emu: RunningEmulator,
  resellerLink: string,
  user: { userName: string; password: string },
): Promise<{ page: PageResponse; answer(decision: "accept" | "decline"): Promise<PageResponse> }> {
  const browser = emulatorBrowser(emu);
  const page = await openSignedIn(browser, resellerLink.slice(emu.baseUrl.length), user);
  const form = browser.form(page, "Accept");
  return {
    page,
    answer: (decision) =>
      browser.post(form.action, {
        ...form.fields,
        ...(decision === "accept" ? { agree: "yes" } : {}),
        decision,
      }),
  };
}

/** Every accept or decline Microsoft recorded for the tenant, oldest first. */
export async function relationshipDecisions(
  emu: RunningEmulator,
  customerTenantId: string,
): Promise<{ partnerTenantId: string; decision: string; outcome: string }[]> {
  const res = await emulatorClient(emu).request(
    "GET",
    `/_emulator/relationship-decisions?customerTenantId=${customerTenantId}`,
  );
  return (res.body as { value: { partnerTenantId: string; decision: string; outcome: string }[] }).value;
}
