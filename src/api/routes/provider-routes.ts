import { z } from "zod";
import {
  ExistingAccountCredentials,
  MASKED_SECRET,
  azureOptionIds,
  azureOptions,
  providerStates,
} from "../../modules/providers/index.ts";
import { CustomerProfileInput } from "../../modules/onboarding/index.ts";
import { toPage } from "../../platform/pagination.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { email, errorResponses, id, pageOfSchema, pageQuery, strict, text } from "../schemas.ts";
import { orgParams } from "./organization-routes.ts";

const wsParams = z.object({ workspaceId: id("workspace", "workspaceId") });
const providerParams = z.object({ providerId: id("provider", "providerId") });

const at = z.date();

const ProviderSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  costCenterId: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  kind: z.literal("microsoft-azure"),
  option: z.enum(azureOptionIds),
  state: z.enum(providerStates),
  failureReason: z.string().nullable().describe("Why the provider is failed or unavailable, and what to do"),
  billingAccountId: z.string().nullable(),
  onboardingRunId: z.string().nullable(),
  azure: z.object({
    tenant: z.string().nullable().describe("The tenant as entered: directory id or domain"),
    tenantId: z.string().nullable(),
    subscriptionId: z.string().nullable(),
    subscriptionName: z.string().nullable(),
    clientId: z.string().nullable(),
    clientSecret: z.literal(MASKED_SECRET).nullable().describe("Shown masked when stored; never returned"),
  }),
  createdBy: z.string().nullable(),
  createdAt: at,
  updatedAt: at,
  lastSyncedAt: at.nullable(),
});

const ProviderEventSchema = z.object({
  seq: z.number(),
  at,
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  event: z.string(),
  fromState: z.string().nullable(),
  toState: z.string().nullable(),
  message: z.string(),
});

const ShutdownRequestSchema = z.object({
  id: z.string(),
  providerId: z.string(),
  orgId: z.string(),
  workspaceId: z.string(),
  requestedBy: z.string().nullable(),
  requesterEmail: z.string().nullable(),
  requesterName: z.string().nullable(),
  reason: z.string(),
  status: z.enum(["open"]),
  createdAt: at,
});

const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const billingAccountId = text("billingAccountId", 64);

/** The body of "New → Microsoft Azure": one shape per option; options 2 and 3 keep their contract already. */
const NewProviderBody = z.discriminatedUnion(
  "option",
  [
    strict({
      name: text("name"),
      option: z.literal("existing-account"),
      ...ExistingAccountCredentials.shape,
    }),
    strict({
      name: text("name"),
      option: z.literal("migrate-tenant"),
      billingAccountId,
      allowedServices: z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,62}$/, "allowedServices must be a preset id such as all-services or iaas")
        .optional()
        .describe("The allowed-services preset; the partner's default when omitted"),
      adminEmail: email("adminEmail"),
      primaryDomain: z
        .string({
          error: "primaryDomain is required: the directory's domain, such as contoso.onmicrosoft.com",
        })
        .trim()
        .regex(DOMAIN, "primaryDomain must be a domain such as contoso.onmicrosoft.com"),
    }),
    strict({
      name: text("name"),
      option: z.literal("new-customer"),
      billingAccountId,
      allowedServices: z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,62}$/, "allowedServices must be a preset id such as all-services or iaas")
        .optional()
        .describe("The allowed-services preset; the partner's default when omitted"),
      customer: CustomerProfileInput.optional().describe(
        "The company profile of the organization's Azure customer: required for its first new-customer provider",
      ),
    }),
  ],
  { error: "option must be one of existing-account, migrate-tenant, new-customer" },
);

const conflict = { 409: errorResponses[400] };
const unprocessable = { 422: errorResponses[400] };
const unavailable = { 503: errorResponses[400] };

export function providerRoutes(app: App, deps: ApiDeps): void {
  const { providers } = deps;

  app.get(
    "/api/v1/provider-options",
    {
      schema: {
        operationId: "listProviderOptions",
        tags: ["providers"],
        summary: "The options of the Microsoft Azure provider, with the wizard's labels and explanations",
        response: {
          200: z.object({
            items: z.array(
              z.object({
                option: z.enum(azureOptionIds),
                label: z.string(),
                explanation: z.string(),
                optimized: z.boolean(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (_req, reply) => reply.send({ items: [...azureOptions] }),
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/providers",
    {
      schema: {
        operationId: "listWorkspaceProviders",
        tags: ["providers"],
        summary: "Providers of a workspace (visitors, authors and administrators; not workspace users)",
        params: wsParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(ProviderSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await providers.listInWorkspace(callerOf(req), req.params.workspaceId, toPage(req.query)),
      ),
  );

  app.post(
    "/api/v1/workspaces/:workspaceId/providers",
    {
      schema: {
        operationId: "createProvider",
        tags: ["providers"],
        summary: "Add a Microsoft Azure provider to a workspace (its administrators)",
        description:
          "Option existing-account checks the credentials live (a token with the application, then a read of the " +
          "subscription) before saving; the provider is then ready. The client secret is stored encrypted and never " +
          "returned. Option new-customer checks the billing account, its terms, the domain and the address first " +
          "(nothing is created upstream when one fails), then saves the provider and starts its onboarding: watch it " +
          "at /api/v1/providers/{providerId}/onboarding. Option migrate-tenant checks the billing account and its terms, " +
          "then mails the partner's invitation to adminEmail and waits for the tenant's administrator to accept it.",
        params: wsParams,
        body: NewProviderBody,
        response: { 201: ProviderSchema, ...errorResponses, ...conflict, ...unprocessable, ...unavailable },
      },
    },
    async (req, reply) =>
      respond(req, reply, await providers.create(callerOf(req), req.params.workspaceId, req.body), 201),
  );

  app.get(
    "/api/v1/organizations/:orgId/providers",
    {
      schema: {
        operationId: "listOrganizationProviders",
        tags: ["providers"],
        summary:
          "Providers of an organization (its administrators; cost-center administrators see their own)",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(ProviderSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await providers.listInOrganization(callerOf(req), req.params.orgId, toPage(req.query)),
      ),
  );

  app.get(
    "/api/v1/providers/:providerId",
    {
      schema: {
        operationId: "getProvider",
        tags: ["providers"],
        summary: "One provider",
        params: providerParams,
        response: { 200: ProviderSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await providers.get(callerOf(req), req.params.providerId)),
  );

  app.patch(
    "/api/v1/providers/:providerId",
    {
      schema: {
        operationId: "renameProvider",
        tags: ["providers"],
        summary: "Rename a provider (workspace, cost-center and organization administrators)",
        params: providerParams,
        body: strict({ name: text("name") }),
        response: { 200: ProviderSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) =>
      respond(req, reply, await providers.rename(callerOf(req), req.params.providerId, req.body)),
  );

  app.put(
    "/api/v1/providers/:providerId/credentials",
    {
      schema: {
        operationId: "replaceProviderCredentials",
        tags: ["providers"],
        summary: "Replace an existing-account provider's application credentials (after rotating its secret)",
        description:
          "Checked live against the provider's subscription before anything is saved; the provider is then ready. " +
          "The client secret is stored encrypted and never returned.",
        params: providerParams,
        body: strict({
          tenant: ExistingAccountCredentials.shape.tenant,
          clientId: ExistingAccountCredentials.shape.clientId,
          clientSecret: ExistingAccountCredentials.shape.clientSecret,
        }),
        response: { 200: ProviderSchema, ...errorResponses, ...conflict, ...unprocessable, ...unavailable },
      },
    },
    async (req, reply) =>
      respond(req, reply, await providers.replaceCredentials(callerOf(req), req.params.providerId, req.body)),
  );

  app.delete(
    "/api/v1/providers/:providerId",
    {
      schema: {
        operationId: "deleteProvider",
        tags: ["providers"],
        summary: "Delete a provider: Partner Cloud stops managing it",
        description:
          "The provider turns deleting, then leaves the lists; its log stays readable. This does not close the Azure " +
          "customer account or its subscription: request an account shutdown for that.",
        params: providerParams,
        response: {
          202: z.object({ provider: ProviderSchema, notice: z.string() }),
          ...errorResponses,
          ...conflict,
        },
      },
    },
    async (req, reply) =>
      respond(req, reply, await providers.remove(callerOf(req), req.params.providerId), 202),
  );

  app.post(
    "/api/v1/providers/:providerId/sync",
    {
      schema: {
        operationId: "syncProvider",
        tags: ["providers"],
        summary: "Check the provider again and refresh what Partner Cloud knows of it",
        description:
          "For existing-account: signs in with the stored application and reads the subscription. The provider " +
          "becomes unavailable with the reason when that fails, and ready again when it works.",
        params: providerParams,
        response: { 200: ProviderSchema, ...errorResponses, ...conflict, ...unavailable },
      },
    },
    async (req, reply) => respond(req, reply, await providers.sync(callerOf(req), req.params.providerId)),
  );

  app.get(
    "/api/v1/providers/:providerId/logs",
    {
      schema: {
        operationId: "listProviderLogs",
        tags: ["providers"],
        summary: "The provider's log, newest first: state changes and sync results",
        params: providerParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(ProviderEventSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await providers.logs(callerOf(req), req.params.providerId, toPage(req.query))),
  );

  app.post(
    "/api/v1/providers/:providerId/shutdown-requests",
    {
      schema: {
        operationId: "requestProviderShutdown",
        tags: ["providers"],
        summary: "Ask the partner to shut the Azure customer account down (deleting the provider does not)",
        params: providerParams,
        body: strict({ reason: text("reason", 2000) }),
        response: { 201: ShutdownRequestSchema, ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await providers.shutdownRequests.request(callerOf(req), req.params.providerId, req.body),
        201,
      ),
  );

  app.get(
    "/api/v1/shutdown-requests",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "listShutdownRequests",
        tags: ["providers"],
        summary: "Account shutdown requests for the support desk (partner operators)",
        querystring: pageQuery.extend({
          status: z.enum(["open"], { error: "status must be 'open'" }).optional(),
        }),
        response: { 200: pageOfSchema(ShutdownRequestSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await providers.shutdownRequests.list(callerOf(req), { status: req.query.status }, toPage(req.query)),
      ),
  );
}
