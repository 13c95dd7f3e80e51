import { z } from "zod";
import type { PartnerCenterError, PartnerCenterErrorCode } from "./port.ts";

/** What the client knows about a failed call. `status` is null when no answer came (timeout, no connection). */
export type PartnerCenterFailure = {
  readonly status: number | null;
  readonly body: unknown;
  readonly requestId: string;
  readonly correlationId: string;
  readonly retryAfterSeconds: number | null;
};

// Partner Center's error body (B2): `code` is a number in real payloads, a string in its schema. Throttling
// answers `{ statusCode, message }` instead (B4).
const ErrorBody = z.object({
  code: z.union([z.number(), z.string()]).transform(String),
  description: z.string().optional(),
  message: z.string().optional(),
});
const ThrottleBody = z.object({ statusCode: z.number(), message: z.string() });

type Rule = { code: PartnerCenterErrorCode; retryable: boolean; message: (f: Facts) => string };
type Facts = {
  status: number | null;
  partnerCenterCode: string | null;
  description: string | null;
  retryAfterSeconds: number | null;
  invalidFields: string[];
};

const said = (f: Facts) => (f.description ? ` Partner Center said: ${f.description}` : "");

/** Partner Center's error codes met in onboarding (B2 table), in our words, each with how to fix it. */
const byPartnerCenterCode: Record<string, Rule> = {
  "2000": {
    code: "domain_taken",
    retryable: false,
    message: () =>
      "That .onmicrosoft.com domain is already taken: choose another domain prefix and try again.",
  },
  "600081": {
    code: "invalid_address",
    retryable: false,
    message: (f) =>
      `Microsoft could not verify the billing address${f.invalidFields.length ? ` (check ${f.invalidFields.join(", ")})` : ""}: correct it, or pick one of the suggested addresses.`,
  },
  "600002": {
    code: "invalid_customer_details",
    retryable: false,
    message: (f) => `Remove the organization registration number: this country does not take one.${said(f)}`,
  },
  "600049": {
    code: "invalid_customer_details",
    retryable: false,
    message: (f) => `This country requires the organization registration number: add it.${said(f)}`,
  },
  "600050": {
    code: "invalid_customer_details",
    retryable: false,
    message: (f) => `The organization registration number has the wrong format for this country.${said(f)}`,
  },
  "600051": {
    code: "invalid_customer_details",
    retryable: false,
    message: () => "This country requires a phone number in the billing address: add it.",
  },
  "13605": {
    code: "customer_agreement_missing",
    retryable: false,
    message: () =>
      "The customer has not accepted the Microsoft Customer Agreement: attest the customer's acceptance first, then order again.",
  },
  "600061": {
    code: "agreement_already_attested",
    retryable: false,
    message: () =>
      "The customer's acceptance of the Microsoft Customer Agreement is already recorded for this contact.",
  },
  "800065": {
    code: "cart_already_submitted",
    retryable: false,
    message: () =>
      "This cart was already checked out: read the order it created instead of checking out again.",
  },
  "800064": {
    code: "order_in_progress",
    retryable: true,
    message: () => "Partner Center is still processing this cart: wait a minute, then read the order.",
  },
  "800060": {
    code: "order_in_progress",
    retryable: true,
    message: () => "An order for this customer is in progress: wait a minute, then retry.",
  },
  "400013": {
    code: "catalog_item_unavailable",
    retryable: false,
    message: () =>
      "The product is not sold in the customer's market: read the Azure plan's availability again.",
  },
  "400018": {
    code: "catalog_item_unavailable",
    retryable: false,
    message: () => "The SKU is not sold in the customer's market: read the Azure plan's availability again.",
  },
  "400019": {
    code: "catalog_item_unavailable",
    retryable: false,
    message: () =>
      "That availability is gone: read the Azure plan's availability again and build a new cart.",
  },
  "20002": {
    code: "not_our_customer",
    retryable: false,
    message: () =>
      "This partner has no reseller relationship with that customer: invite the customer (reseller relationship link) first.",
  },
  "900159": {
    code: "not_our_customer",
    retryable: false,
    message: () => "This partner has no commerce relationship with that customer's Azure plan.",
  },
  "800073": {
    code: "customer_under_review",
    retryable: false,
    message: () => "Microsoft is reviewing the customer's account: wait for the review, then retry.",
  },
  "800074": {
    code: "customer_under_review",
    retryable: false,
    message: () => "Microsoft is reviewing the customer's account: wait for the review, then retry.",
  },
  "800075": {
    code: "customer_under_review",
    retryable: false,
    message: () => "Microsoft did not approve the customer's account: contact Partner Center support.",
  },
  "900124": {
    code: "partner_agreement_missing",
    retryable: false,
    message: () =>
      "The partner has not accepted the Microsoft Partner Agreement: accept it in Partner Center.",
  },
  "900115": {
    code: "azure_plan_in_use",
    retryable: false,
    message: () =>
      "The Azure plan still has active Azure subscriptions: cancel them before suspending the plan.",
  },
  // The emulator's (and our documented choice's) answer to one MS-RequestId reused with another body (B1 [gap]).
  "409001": {
    code: "idempotency_key_reused",
    retryable: false,
    message: () =>
      "This idempotency key was already used for a different request: each workflow step needs its own key.",
  },
};

function byStatus(status: number | null): Rule {
  if (status === null || status === 408 || status >= 500)
    return {
      code: "partner_center_unavailable",
      retryable: true,
      message: () =>
        "Partner Center did not answer in time or failed; retry later (the same request is safe to repeat).",
    };
  if (status === 429)
    return {
      code: "partner_center_throttled",
      retryable: true,
      message: (f) =>
        `Partner Center is throttling this partner's calls; retry after ${f.retryAfterSeconds ?? "a few"} seconds.`,
    };
  if (status === 401)
    return {
      code: "partner_center_sign_in_failed",
      retryable: false,
      message: (f) =>
        `Partner Center refused Partner Cloud's token: check the application's credentials, and for this call a partner administrator's sign-in.${said(f)}`,
    };
  if (status === 403)
    return {
      code: "not_our_customer",
      retryable: false,
      message: (f) => `Partner Center refused access to that customer for this partner.${said(f)}`,
    };
  if (status === 404)
    return {
      code: "not_found",
      retryable: false,
      message: (f) => `Partner Center has no such item for this partner: check the id.${said(f)}`,
    };
  return {
    code: "partner_center_rejected",
    retryable: false,
    message: (f) =>
      `Partner Center rejected the request (${f.partnerCenterCode ?? String(status)}).${said(f)}`,
  };
}

const ADDRESS_FIELDS = [
  "addressLine1",
  "addressLine2",
  "city",
  "state",
  "postalCode",
  "country",
  "region",
  "phoneNumber",
];

/** The address properties a description names (Partner Center lists them in its validation message). */
function invalidFieldsIn(description: string | null): string[] {
  if (!description) return [];
  return ADDRESS_FIELDS.filter((f) => new RegExp(`\\b${f}\\b`, "i").test(description));
}

/** Our error for a failed Partner Center call: its code from the table, else from the HTTP status. */
export function partnerCenterErrorOf(f: PartnerCenterFailure): PartnerCenterError {
  const parsed = ErrorBody.safeParse(f.body);
  const throttle = ThrottleBody.safeParse(f.body);
  const partnerCenterCode = parsed.success ? parsed.data.code : null;
  const description = parsed.success
    ? (parsed.data.description ?? parsed.data.message ?? null)
    : throttle.success
      ? throttle.data.message
      : null;
  const facts: Facts = {
    status: f.status,
    partnerCenterCode,
    description,
    retryAfterSeconds: f.retryAfterSeconds,
    invalidFields: partnerCenterCode === "600081" ? invalidFieldsIn(description) : [],
  };
  const rule =
    (f.status !== null && f.status < 500 && partnerCenterCode !== null
      ? byPartnerCenterCode[partnerCenterCode]
      : undefined) ?? byStatus(f.status);
  return {
    code: rule.code,
    message: rule.message(facts),
    retryable: rule.retryable,
    details: {
      status: f.status,
      partnerCenterCode,
      description,
      requestId: f.requestId,
      correlationId: f.correlationId,
      ...(f.retryAfterSeconds === null ? {} : { retryAfterSeconds: f.retryAfterSeconds }),
      ...(facts.invalidFields.length ? { invalidFields: facts.invalidFields } : {}),
    },
  };
}
