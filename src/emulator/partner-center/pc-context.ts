import type { FastifyRequest } from "fastify";
import type { EmulatorClock } from "../control/clock.ts";
import type { TokenClaims } from "../entra/verify-token.ts";
import type { EmulatedCustomer, EmulatorState } from "../state/emulator-state.ts";
import type { CommerceState } from "./commerce-state.ts";
import { pcFault, type PcAnswer } from "./pc-answer.ts";

/** What tests and latency profiles may tune in the emulated Partner Center. */
export type PartnerCenterSettings = {
  /** How long an order stays `pending` before it is provisioned, on the emulator's clock (0: at once). */
  provisioningDelaySeconds: number;
  /** Requests per minute per partner tenant on the Customer and on the Subscription resources (B4). */
  requestsPerMinute: number;
  /**
   * Whether creating a customer replays a repeated MS-RequestId (B1, as Microsoft documents). False makes a repeat
   * create again, so a test can prove a client looks before creating after an answer it never heard.
   */
  honourRequestIds: boolean;
};

export const DEFAULT_PARTNER_CENTER_SETTINGS: PartnerCenterSettings = {
  provisioningDelaySeconds: 5,
  requestsPerMinute: 500,
  honourRequestIds: true,
};

/** What every Partner Center route group shares: the world, the clock and the caller's verified claims. */
export type PcContext = {
  state: EmulatorState;
  commerce: CommerceState;
  clock: EmulatorClock;
  settings: PartnerCenterSettings;
  baseUrl: () => string;
  /** The verified claims of a /v1/ request (the authentication hook ran before any handler). */
  claims: (req: FastifyRequest) => TokenClaims;
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isGuid = (s: string) => GUID.test(s);

/** The partner tenant a request acts for. */
export const partnerOf = (ctx: PcContext, req: FastifyRequest) => ctx.claims(req).tid;

/**
 * The partner's customer named in a path, or Partner Center's refusal: 400 800002 for an id that is not a GUID,
 * 403 20002 for a customer another partner holds (no commerce relationship), 404 1000 for none at all (B2).
 */
export function customerOf(
  ctx: PcContext,
  req: FastifyRequest,
  customerId: string,
): { customer: EmulatedCustomer } | { refusal: PcAnswer } {
  if (!isGuid(customerId))
    return { refusal: pcFault(400, 800002, `The customer id ${customerId} is not a GUID.`) };
  const id = customerId.toLowerCase();
  const customer = ctx.state.customersOf(partnerOf(ctx, req)).find((c) => c.id === id);
  if (customer) return { customer };
  if (ctx.state.partnersOf(id).length)
    return {
      refusal: pcFault(403, 20002, `The partner has no commerce relationship with the customer ${id}.`),
    };
  return { refusal: pcFault(404, 1000, `The customer ${id} was not found.`) };
}

/** The two-letter country of a customer's billing address, upper case. */
export function countryOf(customer: EmulatedCustomer): string {
  const address = customer.billingProfile["defaultAddress"];
  const country =
    typeof address === "object" && address !== null && "country" in address ? address.country : undefined;
  return typeof country === "string" ? country.toUpperCase() : "US";
}
