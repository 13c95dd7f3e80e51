import { z } from "zod";
import type { Registry } from "prom-client";
import type { ApiDeps, App } from "../context.ts";

/** Liveness, readiness, metrics and the OpenAPI document: outside /api/v1, no sign-in. */
export function systemRoutes(app: App, deps: ApiDeps, registry: Registry): void {
  const hidden = { hide: true } as const;
  app.get(
    "/healthz",
    { schema: { ...hidden, response: { 200: z.object({ status: z.literal("ok") }) } } },
    () => Promise.resolve({ status: "ok" as const }),
  );
  app.get("/readyz", { schema: hidden }, async (_req, reply) => {
    const ready = await deps.ready().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready" });
  });
  app.get("/metrics", { schema: hidden }, async (_req, reply) =>
    reply.header("content-type", registry.contentType).send(await registry.metrics()),
  );
  app.get("/openapi.json", { schema: hidden }, () => Promise.resolve(app.swagger()));
}
