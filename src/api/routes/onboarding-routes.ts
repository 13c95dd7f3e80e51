import { z } from "zod";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { OnboardingProgress, RunState } from "../../modules/onboarding/index.ts";
import { appError, err, ok } from "../../platform/result.ts";
import type { ApiDeps, App } from "../context.ts";
import { sendError } from "../http-errors.ts";
import { callerOf, respond } from "../respond.ts";
import { errorResponses, id, strict, text } from "../schemas.ts";
import { orgParams } from "./organization-routes.ts";

const providerParams = z.object({ providerId: id("provider", "providerId") });
const runParams = z.object({ runId: id("workflowRun", "runId") });
const runStates = ["queued", "running", "compensating", "succeeded", "failed", "stuck", "cancelled"] as const;
const at = z.date();

export const TechnicalTaskSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  providerId: z.string(),
  runId: z.string(),
  subscriptionId: z.string(),
  subscriptionName: z.string(),
  kind: z.enum(["transfer_subscription", "move_resources"]),
  title: z.string(),
  instructions: z.string(),
  state: z.enum(["open", "done", "cancelled"]),
  completedBy: z
    .string()
    .nullable()
    .describe("The operator's user id, or partner-cloud when Azure showed it done"),
  completedAt: at.nullable(),
  note: z.string().nullable(),
  targetSubscriptionId: z.string().nullable(),
  createdAt: at,
});

const MigrationSchema = z.object({
  phase: z.enum([
    "requested",
    "invitation_sent",
    "accepted",
    "subscriptions_transferring",
    "blocked_by_existing_partner",
    "ready",
    "expired",
    "declined",
    "failed",
    "cancelled",
  ]),
  whoMustAct: z
    .enum(["customer_admin", "requester", "technical_account_manager", "partner_cloud", "operator"])
    .nullable(),
  summary: z.string().describe("What the migration waits for, or why it stopped, in a sentence"),
  primaryDomain: z.string(),
  adminEmail: z.string(),
  invitation: z
    .object({
      to: z.string(),
      firstSentAt: at,
      lastSentAt: at,
      sends: z.number(),
      remindersSent: z.number(),
      nextReminderAt: at.nullable(),
      expiresAt: at,
      declinedAt: at.nullable(),
      declineReason: z.string().nullable(),
      acceptedAt: at.nullable(),
      resellerLink: z.string(),
      gdapApprovalUrl: z.string().nullable(),
      canResend: z.boolean(),
    })
    .nullable(),
  gdap: z
    .object({
      relationshipId: z.string(),
      displayName: z.string(),
      status: z.string(),
      roleNames: z.array(z.string()),
      duration: z.string(),
    })
    .nullable(),
  subscriptions: z.array(
    z.object({
      subscriptionId: z.string(),
      displayName: z.string(),
      offer: z.enum(["AzurePlan", "PayAsYouGo", "EnterpriseAgreement", "MSDN", "Other"]),
      disposition: z.enum(["under_management", "transfer", "move", "other_partner"]),
      state: z.enum(["waiting", "blocked", "under_management", "left_out"]),
      note: z.string(),
      targetSubscriptionId: z.string().nullable(),
      taskId: z.string().nullable(),
    }),
  ),
  tasks: z.array(TechnicalTaskSchema),
});

const ProgressSchema = z.object({
  runId: z.string(),
  workflow: z.string(),
  state: z.enum(runStates),
  stepNumber: z.number(),
  stepCount: z.number(),
  currentStep: z.string().nullable(),
  waitingFor: z.string().nullable().describe("What the current step waits for, in words"),
  reason: z.string().nullable().describe("Why the run is stuck or failed"),
  lastError: z.string().nullable(),
  errorCode: z.string().nullable(),
  updatedAt: at,
  steps: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      status: z.enum(["done", "skipped", "current", "pending", "undone"]),
      attempts: z.number(),
      completedAt: at.nullable(),
    }),
  ),
  migration: MigrationSchema.nullable().describe(
    "A tenant migration's phase, invitation, subscriptions and tasks",
  ),
});

const RunSchema = z.object({
  id: z.string(),
  workflow: z.string(),
  version: z.number(),
  key: z.string(),
  subject: z.record(z.string(), z.string()),
  state: z.enum(runStates),
  stepId: z.string().nullable(),
  stepNumber: z.number(),
  stepCount: z.number(),
  attempt: z.number(),
  waitingFor: z.string().nullable(),
  reason: z.string().nullable(),
  lastError: z.string().nullable(),
  errorCode: z.string().nullable(),
  cancelReason: z.string().nullable(),
  nextAt: at.nullable(),
  stepDeadlineAt: at.nullable(),
  createdAt: at,
  updatedAt: at,
  finishedAt: at.nullable(),
});
const runView = (r: z.infer<typeof RunSchema>) => RunSchema.parse(r);

const AzureCustomerSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  state: z.enum(["creating", "active"]),
  billingAccountId: z.string(),
  tenantId: z.string().nullable(),
  domain: z.string().nullable(),
  companyName: z.string(),
  azurePlanId: z.string().nullable(),
  credentials: z
    .enum(["available", "shown", "unavailable"])
    .nullable()
    .describe("available: may be shown once to whoever created the first subscription"),
  credentialsShownAt: at.nullable(),
  createdBy: z.string(),
  createdAt: at,
});

/** A stream ends once its run can no longer change by itself. */
const ENDED: readonly RunState[] = ["succeeded", "failed", "cancelled"];
const POLL_MS = 1_000;
const HEARTBEAT_MS = 15_000;

const conflict = { 409: errorResponses[400] };

export function onboardingRoutes(app: App, deps: ApiDeps): void {
  const { providers, onboarding } = deps;

  /** The provider's run, as its viewers may see it. */
  async function runOf(req: FastifyRequest, providerId: string) {
    const provider = await providers.get(callerOf(req), providerId);
    if (!provider.ok) return provider;
    const runId = provider.value.onboardingRunId;
    if (!runId)
      return err(
        appError(
          "onboarding_not_found",
          `Provider ${providerId} has no onboarding: only the options new-customer and migrate-tenant are onboarded.`,
        ),
      );
    return ok(runId);
  }

  app.get(
    "/api/v1/providers/:providerId/onboarding",
    {
      schema: {
        operationId: "getProviderOnboarding",
        tags: ["onboarding"],
        summary: "The provider's onboarding: each step's status, what it waits for, why it is stuck",
        params: providerParams,
        response: { 200: ProgressSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const run = await runOf(req, req.params.providerId);
      if (!run.ok) return respond(req, reply, run);
      const progress = await onboarding.progress(run.value);
      return progress
        ? reply.send(progress)
        : respond(
            req,
            reply,
            err(appError("onboarding_not_found", `The onboarding run ${run.value} is gone.`)),
          );
    },
  );

  app.get(
    "/api/v1/providers/:providerId/onboarding/stream",
    {
      schema: {
        operationId: "streamProviderOnboarding",
        tags: ["onboarding"],
        summary: "Live onboarding progress as server-sent events",
        description:
          "A text/event-stream: an `event: progress` with the same JSON as GET …/onboarding now and at every " +
          "change, a comment every 15 s to keep proxies from closing it, and the end of the stream once the run " +
          "has succeeded, failed or been cancelled.",
        params: providerParams,
        response: { 200: z.string().describe("text/event-stream"), ...errorResponses },
      },
    },
    async (req, reply) => {
      const run = await runOf(req, req.params.providerId);
      if (!run.ok) return respond(req, reply, run);
      return streamProgress(req, reply, () => onboarding.progress(run.value));
    },
  );

  app.post(
    "/api/v1/providers/:providerId/migration/invitation/resend",
    {
      schema: {
        operationId: "resendMigrationInvitation",
        tags: ["onboarding"],
        summary: "Send a tenant migration's invitation again (a new link, a new expiry)",
        description:
          "For the organization's administrators and the provider's cost-center administrators. An invitation " +
          "that expired or was declined is open again and the migration waits for it; an accepted one is 409.",
        params: providerParams,
        response: { 200: MigrationSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => {
      const run = await runOf(req, req.params.providerId);
      if (!run.ok) return respond(req, reply, run);
      return respond(req, reply, await onboarding.migrateTenant.resendInvitation(callerOf(req), run.value));
    },
  );

  app.post(
    "/api/v1/providers/:providerId/migration/subscriptions/:subscriptionId/leave-out",
    {
      schema: {
        operationId: "leaveOutMigrationSubscription",
        tags: ["onboarding"],
        summary: "Keep one of the tenant's subscriptions out of its migration",
        description:
          "While the migration waits for its subscriptions, the organization's administrators and the provider's " +
          "cost-center administrators may leave one out: it stays as it is, and its technical task is cancelled.",
        params: providerParams.extend({
          subscriptionId: z
            .string()
            .regex(
              /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
              "subscriptionId must be a subscription id (a GUID)",
            ),
        }),
        response: { 200: MigrationSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => {
      const run = await runOf(req, req.params.providerId);
      if (!run.ok) return respond(req, reply, run);
      return respond(
        req,
        reply,
        await onboarding.migrateTenant.leaveOutSubscription(
          callerOf(req),
          run.value,
          req.params.subscriptionId,
        ),
      );
    },
  );

  app.get(
    "/api/v1/organizations/:orgId/azure-customer",
    {
      schema: {
        operationId: "getAzureCustomer",
        tags: ["onboarding"],
        summary: "The organization's Azure customer (organization and cost-center administrators)",
        params: orgParams,
        response: { 200: AzureCustomerSchema, ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await onboarding.azureCustomer(callerOf(req), req.params.orgId)),
  );

  app.post(
    "/api/v1/organizations/:orgId/azure-customer/credentials/reveal",
    {
      schema: {
        operationId: "revealAzureCustomerCredentials",
        tags: ["onboarding"],
        summary: "Show the Azure customer's first administrator and password, once",
        description:
          "Only for whoever created the organization's first Azure subscription, after typing their own password " +
          "again. The password is erased when shown; afterwards only a reset in Microsoft is possible.",
        params: orgParams,
        body: strict({
          password: z
            .string({ error: "password is required: type your own Partner Cloud password again" })
            .min(1, "password is required: type your own Partner Cloud password again")
            .max(200),
        }),
        response: {
          200: z.object({ userName: z.string(), password: z.string() }),
          ...errorResponses,
          ...conflict,
        },
      },
    },
    async (req, reply) => {
      void reply.header("cache-control", "no-store");
      return respond(
        req,
        reply,
        await onboarding.revealCredentials(callerOf(req), req.params.orgId, req.body.password),
      );
    },
  );

  app.get(
    "/api/v1/onboarding-runs",
    {
      schema: {
        operationId: "listOnboardingRuns",
        tags: ["onboarding"],
        summary:
          "Operators: onboarding runs in the given states (default: stuck and failed, needing attention)",
        querystring: strict({
          state: z
            .union([z.enum(runStates), z.array(z.enum(runStates))])
            .optional()
            .describe("One or more run states"),
        }),
        response: { 200: z.object({ items: z.array(RunSchema) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const asked = req.query.state;
      const states =
        asked === undefined ? (["stuck", "failed"] as const) : Array.isArray(asked) ? asked : [asked];
      const runs = await onboarding.runs(callerOf(req), states);
      return respond(req, reply, runs.ok ? ok({ items: runs.value.map(runView) }) : runs);
    },
  );

  app.get(
    "/api/v1/onboarding-runs/:runId",
    {
      schema: {
        operationId: "getOnboardingRun",
        tags: ["onboarding"],
        summary: "Operators: one onboarding run with its steps",
        params: runParams,
        response: { 200: ProgressSchema.extend({ run: RunSchema }), ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await onboarding.run(callerOf(req), req.params.runId)),
  );

  const actions = [
    ["retry", "retryOnboardingRun", "Try the current step again now (a stuck or failed run)"],
    ["resume", "resumeOnboardingRun", "Continue a stuck run where it stopped, with a fresh deadline"],
  ] as const;
  for (const [kind, operationId, summary] of actions)
    app.post(
      `/api/v1/onboarding-runs/:runId/${kind}`,
      {
        schema: {
          operationId,
          tags: ["onboarding"],
          summary: `Operators: ${summary}`,
          params: runParams,
          response: { 200: RunSchema, ...errorResponses, ...conflict },
        },
      },
      async (req, reply) => {
        const done = await onboarding.act(callerOf(req), req.params.runId, { kind });
        return respond(req, reply, done.ok ? ok(runView(done.value)) : done);
      },
    );

  app.post(
    "/api/v1/onboarding-runs/:runId/cancel",
    {
      schema: {
        operationId: "cancelOnboardingRun",
        tags: ["onboarding"],
        summary: "Operators: cancel a run with a reason; what Microsoft allows is undone",
        params: runParams,
        body: strict({ reason: text("reason", 500) }),
        response: { 200: RunSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => {
      const done = await onboarding.act(callerOf(req), req.params.runId, {
        kind: "cancel",
        reason: req.body.reason,
      });
      return respond(req, reply, done.ok ? ok(runView(done.value)) : done);
    },
  );
}

/**
 * Server-sent events from a progress source polled on the database (so any API process can serve any run): one
 * `progress` event per change, heartbeats, and the end once the run has ended or the client went away.
 */
async function streamProgress(
  req: FastifyRequest,
  reply: FastifyReply,
  read: () => Promise<(OnboardingProgress & { migration: unknown }) | null>,
): Promise<FastifyReply> {
  const first = await read();
  if (!first) return sendError(req, reply, appError("onboarding_not_found", "The onboarding run is gone."));
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  let closed = false;
  req.raw.on("close", () => {
    closed = true;
  });
  const send = (p: OnboardingProgress & { migration: unknown }) =>
    res.write(`event: progress\nid: ${p.updatedAt.getTime()}\ndata: ${JSON.stringify(p)}\n\n`);
  let last = JSON.stringify(first);
  send(first);
  let sinceBeat = 0;
  let current = first;
  while (!closed && !ENDED.includes(current.state)) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (closed) break;
    const next = await read().catch(() => null);
    if (!next) break;
    current = next;
    const text = JSON.stringify(next);
    if (text !== last) {
      last = text;
      send(next);
      sinceBeat = 0;
    } else if ((sinceBeat += POLL_MS) >= HEARTBEAT_MS) {
      res.write(": still here\n\n");
      sinceBeat = 0;
    }
  }
  res.end();
  return reply;
}
