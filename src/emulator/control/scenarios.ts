import { randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmulatedSubscription, EmulatorState } from "../state/emulator-state.ts";

const Prefix = z
  .string()
  .regex(
    /^[a-z0-9]{1,27}$/,
    "domainPrefix must be 1 to 27 lowercase letters or digits (the part before .onmicrosoft.com)",
  );

const ExistingTenant = z.object({
  scenario: z.literal("existing-tenant"),
  domainPrefix: Prefix,
  companyName: z.string().min(1).max(100).optional(),
  /** The tenant's Azure subscriptions and how each is bought. */
  subscriptions: z
    .array(
      z.object({
        displayName: z.string().min(1).max(64),
        offer: z.enum(["PayAsYouGo", "EnterpriseAgreement", "MSDN", "AzurePlan"]).default("PayAsYouGo"),
      }),
    )
    .max(20)
    .default([{ displayName: "Pay-As-You-Go", offer: "PayAsYouGo" }]),
  /** Another CSP partner that already resells to this tenant (its Azure-plan subscriptions are billed there). */
  otherPartner: z.string().min(1).max(100).optional(),
  /** Users besides the Global Administrator, e.g. a reader who may not accept a partner's invitation. */
  extraUsers: z
    .array(z.object({ alias: z.string().regex(/^[a-z0-9.]{1,40}$/), roles: z.array(z.string()) }))
    .default([]),
});
const Partner = z.object({
  scenario: z.literal("partner"),
  domainPrefix: Prefix,
  displayName: z.string().min(1),
});
const Scenario = z.discriminatedUnion("scenario", [ExistingTenant, Partner]);

const password = () => `${randomBytes(12).toString("base64url")}!7`;
const view = (s: EmulatedSubscription) => ({
  subscriptionId: s.subscriptionId,
  displayName: s.displayName,
  offer: s.offer,
});

/**
 * Seed scenarios for tests and demos, beyond `--seed demo`: a customer's existing tenant (its Global
 * Administrator, Azure subscriptions bought pay-as-you-go, under an Enterprise Agreement or through another
 * partner) and another partner tenant with its own application. Each answer carries the passwords and secrets it
 * generated, once; a taken domain is 409.
 */
export function createScenarios(state: EmulatorState, now: () => number) {
  function addPartner(domainPrefix: string, displayName: string) {
    const tenant = state.addTenant({ domain: `${domainPrefix}.onmicrosoft.com`, displayName });
    const clientSecret = randomBytes(24).toString("base64url");
    const app = state.addApp({
      tenantId: tenant.id,
      displayName: `${displayName} automation`,
      secret: clientSecret,
    });
    const adminPassword = password();
    const admin = state.addUser({
      tenantId: tenant.id,
      alias: "admin",
      displayName: `${displayName} admin`,
      password: adminPassword,
      roles: ["Global Administrator"],
    });
    return {
      tenantId: tenant.id,
      domain: tenant.domain,
      displayName,
      clientId: app.clientId,
      clientSecret,
      admin: { userName: admin.userPrincipalName, password: adminPassword },
    };
  }

  function existingTenant(input: z.infer<typeof ExistingTenant>) {
    const companyName = input.companyName ?? `${input.domainPrefix} Inc.`;
    const tenant = state.addTenant({
      domain: `${input.domainPrefix}.onmicrosoft.com`,
      displayName: companyName,
    });
    const adminPassword = password();
    const admin = state.addUser({
      tenantId: tenant.id,
      alias: "admin",
      displayName: `${companyName} administrator`,
      password: adminPassword,
      roles: ["Global Administrator"],
    });
    const users = input.extraUsers.map((u) => {
      const pw = password();
      const user = state.addUser({
        tenantId: tenant.id,
        alias: u.alias,
        displayName: u.alias,
        password: pw,
        roles: u.roles,
      });
      return { userName: user.userPrincipalName, password: pw, roles: u.roles };
    });
    const other = input.otherPartner
      ? addPartner(`other${randomBytes(4).toString("hex")}`, input.otherPartner)
      : null;
    if (other)
      state.addCustomer({
        id: tenant.id,
        commerceId: randomUUID(),
        partnerTenantId: other.tenantId,
        companyName,
        domain: tenant.domain,
        billingProfile: {
          id: randomUUID(),
          companyName,
          email: `billing@${tenant.domain}`,
          culture: "en-US",
          language: "en",
        },
        relationshipToPartner: "reseller",
        createdAt: new Date(now()).toISOString(),
      });
    // An Azure-plan subscription of a tenant with another partner is billed through that partner.
    const subscriptions = input.subscriptions.map((s) =>
      state.addSubscription({
        tenantId: tenant.id,
        displayName: s.displayName,
        offer: s.offer,
        ...(s.offer === "AzurePlan" && other ? { partnerTenantId: other.tenantId } : {}),
      }),
    );
    return {
      tenantId: tenant.id,
      domain: tenant.domain,
      companyName,
      admin: { userName: admin.userPrincipalName, password: adminPassword },
      users,
      subscriptions: subscriptions.map(view),
      otherPartner: other ? { tenantId: other.tenantId, displayName: other.displayName } : null,
    };
  }

  return {
    run(input: z.infer<typeof Scenario>) {
      if (state.domainTaken(`${input.domainPrefix}.onmicrosoft.com`))
        return { taken: `${input.domainPrefix}.onmicrosoft.com` } as const;
      return input.scenario === "partner"
        ? { partner: addPartner(input.domainPrefix, input.displayName) }
        : { tenant: existingTenant(input) };
    },
  };
}

/** `POST /_emulator/scenarios` with `{ "scenario": "existing-tenant" | "partner", … }`. */
export function scenarioRoutes(app: FastifyInstance, scenarios: ReturnType<typeof createScenarios>) {
  app.post<{ Body: unknown }>("/_emulator/scenarios", async (req, reply) => {
    const parsed = Scenario.safeParse(req.body);
    if (!parsed.success)
      return reply
        .code(400)
        .send({ error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    const result = scenarios.run(parsed.data);
    if ("taken" in result)
      return reply
        .code(409)
        .send({ error: `The domain ${result.taken} already exists; choose another domainPrefix.` });
    return reply.code(201).send("partner" in result ? result.partner : result.tenant);
  });
}
