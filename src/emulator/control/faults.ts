import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { seededRandom } from "../../platform/seeded-random.ts";
import { latencyProfiles } from "./latency-profiles.ts";

/**
 * Fault injection for tests and demos: rules matched against "METHOD /route/template", applied to the next
 * `times` matching requests (or to a seeded share of them, so a failing run replays exactly).
 * - latency: wait `latencyMs` before handling, or a seeded draw between `latencyMs` and `latencyMaxMs`;
 * - status: answer `status` (429 carries Retry-After) without doing the work;
 * - drop-after: do the work, then cut the connection before the answer is sent (the ambiguous timeout);
 * - timeout: hold the request `latencyMs` (default 30 s), then cut the connection without doing the work.
 */
const Rule = z.object({
  route: z
    .string()
    .regex(/^(GET|POST|PUT|PATCH|DELETE|HEAD) \/\S*$/, "route must look like 'POST /v1/customers'"),
  kind: z.enum(["latency", "status", "drop-after", "timeout"]),
  latencyMs: z.number().int().min(0).max(600_000).default(0),
  latencyMaxMs: z.number().int().min(0).max(600_000).optional(),
  status: z.number().int().min(400).max(599).default(503),
  retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
  times: z.number().int().min(1).max(1_000_000).default(1),
  probability: z.number().min(0).max(1).default(1),
  seed: z.number().int().default(1),
});
type Rule = z.infer<typeof Rule> & { used: number; rng: () => number; drawnMs: number[] };

/** A latency rule keeps its last few draws, so a control-plane reader can see what a slow run waited. */
const DRAWS_KEPT = 20;

const Profile = z.object({
  profile: z.enum(["microsoft", "none"]),
  timeFactor: z.number().min(1).max(1_000_000).default(1),
  seed: z.number().int().default(1),
});

function faultBody(req: FastifyRequest, status: number, retryAfter: number) {
  const url = req.routeOptions.url ?? "";
  if (status === 429 && url.startsWith("/v1/"))
    return { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfter} seconds.` };
  const refused = status < 500;
  if (url.startsWith("/v1/"))
    return {
      code: status * 1000,
      description: refused
        ? "The request was refused (injected fault)."
        : "The service is temporarily unavailable (injected fault).",
      data: [],
      source: "PartnerFD",
    };
  const code = status === 429 ? "TooManyRequests" : refused ? "BadRequest" : "InternalServerError";
  return { error: { code, message: "Injected fault." } };
}

function delayOf(rule: Rule): number {
  const max = rule.latencyMaxMs ?? rule.latencyMs;
  const ms =
    max <= rule.latencyMs ? rule.latencyMs : rule.latencyMs + Math.floor(rule.rng() * (max - rule.latencyMs));
  rule.drawnMs = [...rule.drawnMs, ms].slice(-DRAWS_KEPT);
  return ms;
}

export function installFaults(app: FastifyInstance) {
  let rules: Rule[] = [];
  const drops = new WeakSet<FastifyRequest>();

  function take(req: FastifyRequest): Rule | undefined {
    const key = `${req.method} ${req.routeOptions.url ?? ""}`;
    for (const r of rules) {
      if (r.route !== key || r.used >= r.times) continue;
      if (r.probability < 1 && r.rng() >= r.probability) continue;
      r.used++;
      return r;
    }
    return undefined;
  }

  app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    if ((req.routeOptions.url ?? "").startsWith("/_emulator")) return;
    const rule = take(req);
    if (!rule) return;
    if (rule.kind === "latency") await new Promise((r) => setTimeout(r, delayOf(rule)));
    else if (rule.kind === "drop-after") drops.add(req);
    else if (rule.kind === "timeout") {
      await new Promise((r) => setTimeout(r, rule.latencyMs || 30_000));
      reply.hijack();
      req.raw.socket.destroy();
    } else {
      if (rule.status === 429 || rule.status === 503)
        void reply.header("retry-after", String(rule.retryAfterSeconds));
      return reply.code(rule.status).send(faultBody(req, rule.status, rule.retryAfterSeconds));
    }
  });

  app.addHook("onSend", async (req, reply, payload) => {
    if (drops.has(req)) reply.raw.socket?.destroy();
    return payload;
  });

  app.post<{ Body: unknown }>("/_emulator/faults", async (req, reply) => {
    const parsed = Rule.safeParse(req.body);
    if (!parsed.success)
      return reply
        .code(400)
        .send({ error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    rules.push({ ...parsed.data, used: 0, drawnMs: [], rng: seededRandom(parsed.data.seed) });
    return reply.code(201).send(parsed.data);
  });
  // A latency profile replaces every latency rule with Microsoft-like delays divided by `timeFactor`, for good.
  app.post<{ Body: unknown }>("/_emulator/latency-profile", async (req, reply) => {
    const parsed = Profile.safeParse(req.body);
    if (!parsed.success)
      return reply
        .code(400)
        .send({ error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    const { profile, timeFactor, seed } = parsed.data;
    rules = rules.filter((r) => r.kind !== "latency");
    const ranges = latencyProfiles[profile] ?? [];
    ranges.forEach((range, i) => {
      const rule = Rule.parse({
        route: range.route,
        kind: "latency",
        latencyMs: Math.round(range.minMs / timeFactor),
        latencyMaxMs: Math.round(range.maxMs / timeFactor),
        times: 1_000_000,
        seed: seed + i,
      });
      rules.push({ ...rule, used: 0, drawnMs: [], rng: seededRandom(rule.seed) });
    });
    return reply.code(201).send({ profile, timeFactor, routes: ranges.length });
  });
  app.get("/_emulator/faults", () => Promise.resolve({ faults: rules.map(({ rng: _r, ...r }) => r) }));
  app.delete("/_emulator/faults", async (_req, reply) => {
    rules = [];
    return reply.code(204).send();
  });
}
