import type { FastifyReply, FastifyRequest } from "fastify";
import type { Caller } from "../modules/tenancy/index.ts";
import type { AppError, Result } from "../platform/result.ts";
import { sendError } from "./http-errors.ts";

/** Sends a module's result: the value with the given status, or its error through the one error table. */
export function respond<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  result: Result<T, AppError>,
  status = 200,
): FastifyReply {
  if (!result.ok) return sendError(req, reply, result.error);
  if (status === 204) return reply.code(204).send();
  return reply.code(status).send(result.value);
}

/** The authenticated caller; the auth hook has already refused anonymous requests on non-public routes. */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw new Error(`route ${req.routeOptions.url ?? req.url} ran without a caller`);
  return req.caller;
}
