import type { FastifyReply } from "fastify";

/** ARM's error body (C6): `{ error: { code, message, target?, details?, additionalInfo? } }`. */
export function armError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return reply.code(status).send({ error: { code, message, ...extra } });
}
