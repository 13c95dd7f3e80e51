import { randomUUID } from "node:crypto";
import type { FastifyReply } from "fastify";

/** An Entra failure before it is sent: the OAuth `error`, the AADSTS number and its description. */
export type AadFailure = { error: string; code: number; description: string; status?: number };

/** Entra's `error_description`: `AADSTSnnnnn: …` followed by trace id, correlation id and timestamp (A1). */
export function aadDescription(code: number, description: string, traceId: string, correlationId: string) {
  const timestamp = `${new Date().toISOString().slice(0, 19).replace("T", " ")}Z`;
  return {
    timestamp,
    text: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
  };
}

/** Microsoft Entra's error body: `AADSTSnnnnn:` description with trace and correlation ids (A1). */
export function aadError(
  reply: FastifyReply,
  status: number,
  error: string,
  code: number,
  description: string,
  correlationId?: string,
) {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const { timestamp, text } = aadDescription(code, description, traceId, correlation);
  return reply.code(status).send({
    error,
    error_description: text,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
  });
}

/** Sends a failure a grant or a check returned, as Entra's error body (400 unless it says otherwise). */
export const sendAadFailure = (reply: FastifyReply, f: AadFailure, correlationId?: string) =>
  aadError(reply, f.status ?? 400, f.error, f.code, f.description, correlationId);
