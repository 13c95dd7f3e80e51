import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyServerOptions } from "fastify";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { createAuthenticate } from "./authenticate.ts";
import type { ApiDeps, App } from "./context.ts";
import { handleError, routeNotFound, sendError } from "./http-errors.ts";
import { createMetrics } from "./metrics.ts";
import { auditRoutes } from "./routes/audit-routes.ts";
import { billingAccountRoutes } from "./routes/billing-account-routes.ts";
import { costCenterRoutes } from "./routes/cost-center-routes.ts";
import { governanceRoutes } from "./routes/governance-routes.ts";
import { invitationRoutes } from "./routes/invitation-routes.ts";
import { invoiceRoutes } from "./routes/invoice-routes.ts";
import { estimateRoutes } from "./routes/estimate-routes.ts";
import { mailboxRoutes } from "./routes/mailbox-routes.ts";
import { meRoutes } from "./routes/me-routes.ts";
import { microsoftConnectionRoutes } from "./routes/microsoft-connection-routes.ts";
import { onboardingRoutes } from "./routes/onboarding-routes.ts";
import { technicalTaskRoutes } from "./routes/technical-task-routes.ts";
import { migrationInvitationRoutes } from "./routes/migration-invitation-routes.ts";
import { organizationRoutes } from "./routes/organization-routes.ts";
import { partnerCenterEventRoutes } from "./routes/partner-center-event-routes.ts";
import { pricingRoutes } from "./routes/pricing-routes.ts";
import { providerRoutes } from "./routes/provider-routes.ts";
import { sessionRoutes } from "./routes/session-routes.ts";
import { systemRoutes } from "./routes/system-routes.ts";
import { termsRoutes } from "./routes/terms-routes.ts";
import { usageRoutes } from "./routes/usage-routes.ts";
import { userRoutes } from "./routes/user-routes.ts";
import { webhookRoutes } from "./routes/webhook-routes.ts";
import { workspaceRoutes } from "./routes/workspace-routes.ts";

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Secrets never reach the log: cookies, bearer tokens, CSRF tokens, tokens in query strings (an invitation's token;
 * the code and state Microsoft sends back with a sign-in) and a migration invitation's token in its path (also on a
 * mistyped path under it, which matches no route).
 */
const redactedUrl = (url: string) =>
  url
    .replace(/([?&](?:token|code|state)=)[^&]*/g, "$1[redacted]")
    .replace(/(\/migration-invitations\/)[^/?#]+/g, "$1[redacted]");

export type BuildOptions = {
  logger?: FastifyServerOptions["logger"];
  /** Folder of the built console; served at / when it exists. */
  webRoot?: string | null;
};

/** Builds the HTTP server: the REST API, the OpenAPI document and docs page, health, metrics and the console. */
export async function buildApp(deps: ApiDeps, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Responses are documented by their schemas but serialized as plain JSON (Dates become ISO strings).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);

  // An empty body is no body, so POST /…/disable works with or without Content-Type.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(
        Object.assign(new Error("invalid JSON"), { statusCode: 400, code: "FST_ERR_CTP_INVALID_JSON_BODY" }),
        undefined,
      );
    }
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Partner Cloud API",
        version: "1.0.0",
        description:
          "Manage organizations, cost centers, workspaces, users and API tokens. Authenticate with an API token " +
          "(`Authorization: Bearer pct_…`) or the console's session cookie plus the `x-csrf-token` header.",
      },
      components: {
        securitySchemes: {
          apiToken: { type: "http", scheme: "bearer" },
          session: { type: "apiKey", in: "cookie", name: "__Host-pc_session" },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  app.addHook("onRequest", async (req, reply) => {
    void reply.header("x-request-id", req.id);
    void reply.header("referrer-policy", "no-referrer");
    void reply.header("x-content-type-options", "nosniff");
    void reply.header("x-frame-options", "DENY");
    if (req.url.startsWith("/api/")) void reply.header("cache-control", "no-store");
  });
  app.addHook("onRequest", createAuthenticate(deps));

  const metrics = createMetrics();
  metrics.install(app);
  systemRoutes(app, deps, metrics.registry);
  sessionRoutes(app, deps);
  meRoutes(app, deps);
  organizationRoutes(app, deps);
  costCenterRoutes(app, deps);
  workspaceRoutes(app, deps);
  userRoutes(app, deps);
  invitationRoutes(app, deps);
  auditRoutes(app, deps);
  billingAccountRoutes(app, deps);
  termsRoutes(app, deps);
  providerRoutes(app, deps);
  onboardingRoutes(app, deps);
  technicalTaskRoutes(app, deps);
  migrationInvitationRoutes(app, deps);
  governanceRoutes(app, deps);
  pricingRoutes(app, deps);
  webhookRoutes(app, deps);
  microsoftConnectionRoutes(app, deps);
  mailboxRoutes(app, deps);
  invoiceRoutes(app, deps);
  estimateRoutes(app, deps);
  await partnerCenterEventRoutes(app, deps);
  await usageRoutes(app, deps);

  const webRoot = options.webRoot;
  const hasConsole = webRoot ? fs.existsSync(path.join(webRoot, "index.html")) : false;
  if (webRoot && hasConsole) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: false });
  }
  app.setNotFoundHandler(async (req, reply) => {
    if (req.method === "GET" && !req.url.startsWith("/api/") && hasConsole) {
      void reply.header(
        "content-security-policy",
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
      );
      return reply.type("text/html").sendFile("index.html");
    }
    return sendError(req, reply, routeNotFound(req.method, redactedUrl(req.url)));
  });

  return app;
}

export const logSerializers = {
  req: (req: { method: string; url: string; id: string }) => ({
    method: req.method,
    url: redactedUrl(req.url),
    id: req.id,
  }),
};
