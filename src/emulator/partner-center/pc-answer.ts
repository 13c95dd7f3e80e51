import type { FastifyReply } from "fastify";

/** What a Partner Center handler decides: a status and a body, sent (and remembered for replays) by its route. */
export type PcAnswer = { status: number; body: unknown };

/** Partner Center's error body (B2): a numeric code, a description, an empty data list and the front door. */
export const pcFault = (status: number, code: number, description: string): PcAnswer => ({
  status,
  body: { code, description, data: [], source: "PartnerFD" },
});

/**
 * The newer error body some Partner Center services return (B2, seen on MCA attestation): the same code and
 * description plus `message`, `errorName`, `isRetryable`, `parameters` and `errorMessageExtended`.
 */
export const pcNamedFault = (status: number, code: number, errorName: string, message: string): PcAnswer => ({
  status,
  body: {
    code,
    message,
    description: message,
    errorName,
    isRetryable: false,
    parameters: {},
    errorMessageExtended: `InternalErrorCode=${code}`,
  },
});

export function pcError(reply: FastifyReply, status: number, code: number, description: string) {
  return send(reply, pcFault(status, code, description));
}

export function send(reply: FastifyReply, a: PcAnswer) {
  return reply.code(a.status).send(a.body);
}

/** A Partner Center link: a path relative to /v1, the method, and headers to copy into the request (B3). */
export const link = (uri: string, headers: { key: string; value: string }[] = []) => ({
  uri,
  method: "GET",
  headers,
});

/** Partner Center's collection envelope (B3); `totalCount` is the number of items on this page. */
export const collection = (items: unknown[]) => ({
  totalCount: items.length,
  items,
  attributes: { objectType: "Collection" },
});
