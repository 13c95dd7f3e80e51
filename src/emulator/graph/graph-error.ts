import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Microsoft Graph's error body: `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`
 * (Graph's "errors" concept page).
 */
export function graphError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
) {
  const clientRequestId = req.headers["client-request-id"];
  const requestId = randomUUID();
  return reply
    .code(status)
    .header("request-id", requestId)
    .send({
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          "request-id": requestId,
          "client-request-id": typeof clientRequestId === "string" ? clientRequestId : requestId,
        },
      },
    });
}
