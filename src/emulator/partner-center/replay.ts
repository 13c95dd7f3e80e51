import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest, RouteGenericInterface } from "fastify";
import type { EmulatedCustomer, EmulatorState } from "../state/emulator-state.ts";
import { pcFault, send, type PcAnswer } from "./pc-answer.ts";
import { customerOf, partnerOf, type PcContext } from "./pc-context.ts";

/**
 * Wraps a Partner Center write (POST, PUT, PATCH) so that MS-RequestId is an idempotency key (B1: "reuse the same
 * value when retrying after a timeout"): the first successful answer is kept per partner, method, path and id; the
 * same id with the same body gets that answer again without doing the work twice (even when the first connection
 * was cut after the work), and the same id with another body is refused with 409. Refusals are not kept: a client
 * sends a new MS-RequestId after any answer, and a retry of a refused request is judged afresh.
 */
export function replayable<R extends RouteGenericInterface>(
  state: EmulatorState,
  partnerOf: (req: FastifyRequest<R>) => string,
  decide: (req: FastifyRequest<R>) => PcAnswer,
) {
  return async (req: FastifyRequest<R>, reply: FastifyReply) => {
    const requestId = req.headers["ms-requestid"];
    if (typeof requestId !== "string" || requestId === "") return send(reply, decide(req));
    const key = `${partnerOf(req)} ${req.method} ${req.url.split("?")[0] ?? ""} ${requestId}`;
    const bodyHash = createHash("sha256")
      .update(JSON.stringify(req.body ?? {}))
      .digest("hex");
    const seen = state.replay(key);
    if (seen && seen.bodyHash !== bodyHash)
      return send(
        reply,
        pcFault(
          409,
          409001,
          "A request with this MS-RequestId and a different body was already processed. Use a new MS-RequestId.",
        ),
      );
    if (seen) return send(reply, { status: seen.status, body: seen.body });
    const decided = decide(req);
    if (decided.status < 400) state.remember(key, bodyHash, decided.status, decided.body);
    return send(reply, decided);
  };
}

/**
 * A replayable write on one of the partner's customers (`/v1/customers/:id/…`): the customer is looked up first, and
 * Partner Center's refusal (malformed id, another partner's customer, none) answers before `decide` runs.
 */
export function customerWrite<R extends RouteGenericInterface & { Params: { id: string } }>(
  ctx: PcContext,
  decide: (req: FastifyRequest<R>, customer: EmulatedCustomer) => PcAnswer,
) {
  return replayable<R>(
    ctx.state,
    (req) => partnerOf(ctx, req),
    (req) => {
      // Every route given here has `:id` in its path; fastify's request type does not carry that through R.
      const found = customerOf(ctx, req, (req.params as { id: string }).id);
      return "refusal" in found ? found.refusal : decide(req, found.customer);
    },
  );
}
