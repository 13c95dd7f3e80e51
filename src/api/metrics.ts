import type { FastifyInstance } from "fastify";
import { collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Prometheus metrics: process defaults plus request duration by route, method and status. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: "pcloud_http_request_duration_seconds",
    help: "HTTP request duration by route template, method and status code",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    install(app: FastifyInstance): void {
      app.addHook("onResponse", async (req, reply) => {
        duration.observe(
          {
            route: req.routeOptions.url ?? "unmatched",
            method: req.method,
            status: String(reply.statusCode),
          },
          reply.elapsedTime / 1000,
        );
      });
    },
  };
}
