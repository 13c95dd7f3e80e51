import { randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { EmulatedCustomer } from "../state/emulator-state.ts";
import { validateAddress, type Address } from "./address-validation.ts";
import { link, pcError, pcFault, send, type PcAnswer } from "./pc-answer.ts";
import { customerOf, partnerOf as partnerOfRequest, type PcContext } from "./pc-context.ts";
import { replayable } from "./replay.ts";

const DOMAIN = /^[a-z0-9]{1,27}\.onmicrosoft\.com$/;

/** The customer fields Partner Center shows. */
type ShownCustomer = Pick<
  EmulatedCustomer,
  "id" | "commerceId" | "companyName" | "domain" | "billingProfile" | "relationshipToPartner" | "createdAt"
>;

function listItem(c: ShownCustomer) {
  return {
    id: c.id,
    companyProfile: {
      tenantId: c.id,
      domain: c.domain,
      companyName: c.companyName,
      attributes: { objectType: "CustomerCompanyProfile" },
    },
    relationshipToPartner: c.relationshipToPartner,
    links: { self: link(`/customers/${c.id}`) },
    attributes: { objectType: "Customer" },
  };
}

function fullCustomer(c: ShownCustomer) {
  return {
    ...listItem(c),
    commerceId: c.commerceId,
    billingProfile: {
      ...c.billingProfile,
      attributes: { etag: String(Date.parse(c.createdAt)), objectType: "CustomerBillingProfile" },
    },
    allowDelegatedAccess: true,
    customDomains: [c.domain],
  };
}

type CreateBody = {
  companyProfile?: { domain?: string };
  billingProfile?: {
    email?: string;
    culture?: string;
    language?: string;
    companyName?: string;
    defaultAddress?: Address;
  } & Record<string, unknown>;
  enableGDAPByDefault?: boolean;
};

/**
 * Partner Center v1, customer onboarding (B5): domain availability, address validation, create / get / list /
 * search customers. A POST repeated with the same MS-RequestId gets the first response again (a retry after a
 * timeout creates nothing twice), and the same id with another body is refused.
 */
export function customerRoutes(app: FastifyInstance, ctx: PcContext) {
  const { state } = ctx;
  const partnerOf = (req: Parameters<typeof partnerOfRequest>[1]) => partnerOfRequest(ctx, req);

  app.head<{ Params: { domain: string } }>("/v1/domains/:domain", async (req, reply) =>
    reply.code(state.domainTaken(req.params.domain) ? 200 : 404).send(),
  );

  app.post<{ Body: Address | undefined }>("/v1/validations/address", async (req, reply) => {
    if (!req.body || typeof req.body !== "object")
      return pcError(reply, 400, 400001, "The request body must be an address.");
    return validateAddress(req.body);
  });

  // Creating a customer tenant is the one call whose documentation makes MS-RequestId required (B5.3): without it a
  // retry after a timeout could not be recognised, and a second tenant would be created.
  const create = (req: FastifyRequest<{ Body: CreateBody | undefined }>): PcAnswer => {
    const body = req.body ?? {};
    const domain = (body.companyProfile?.domain ?? "").toLowerCase();
    const bp = body.billingProfile;
    if (!DOMAIN.test(domain))
      return pcFault(
        400,
        600017,
        "companyProfile.domain must be <prefix>.onmicrosoft.com, the prefix 1 to 27 letters or digits.",
      );
    const missing = (["email", "culture", "language", "companyName", "defaultAddress"] as const).filter(
      (k) => !bp?.[k],
    );
    if (!bp || missing.length)
      return pcFault(400, 400002, `billingProfile is missing: ${missing.join(", ") || "billingProfile"}.`);
    const address = validateAddress(bp.defaultAddress ?? {});
    if (address.status === "None")
      return pcFault(400, 600081, `The address is not valid. ${address.validationMessage ?? ""}`.trim());
    if (state.domainTaken(domain))
      return pcFault(409, 2000, `The domain ${domain} already exists. Choose another domain.`);
    const tenant = state.addTenant({ domain, displayName: bp.companyName ?? domain });
    const password = `${randomBytes(9).toString("base64url")}!9a`;
    state.addUser({
      tenantId: tenant.id,
      alias: "admin",
      displayName: "Administrator",
      password,
      roles: ["Global Administrator"],
    });
    const customer: ShownCustomer & { partnerTenantId: string } = {
      id: tenant.id,
      commerceId: randomUUID(),
      partnerTenantId: partnerOf(req),
      companyName: bp.companyName ?? domain,
      domain,
      billingProfile: { id: randomUUID(), ...bp },
      relationshipToPartner: "reseller",
      createdAt: ctx.clock.nowIso(),
    };
    state.addCustomer(customer);
    return {
      status: 201,
      body: {
        ...fullCustomer(customer),
        enableGDAPByDefault: body.enableGDAPByDefault ?? false,
        userCredentials: { userName: "admin", password },
      },
    };
  };
  const createReplayed = replayable<{ Body: CreateBody | undefined }>(state, partnerOf, create);
  app.post<{ Body: CreateBody | undefined }>("/v1/customers", async (req, reply) => {
    const requestId = req.headers["ms-requestid"];
    if (typeof requestId !== "string" || requestId.trim() === "")
      return pcError(
        reply,
        400,
        800002,
        "MS-RequestId is required to create a customer: send a new GUID, and the same one when retrying after a timeout.",
      );
    // A test may turn the replay off (honourRequestIds: false): a repeated id then acts again, like an API without it.
    return ctx.settings.honourRequestIds ? createReplayed(req, reply) : send(reply, create(req));
  });

  app.get<{ Params: { id: string } }>("/v1/customers/:id", async (req, reply) => {
    const found = customerOf(ctx, req, req.params.id);
    return "refusal" in found ? send(reply, found.refusal) : fullCustomer(found.customer);
  });

  app.get<{ Querystring: { size?: string; filter?: string; seekOperation?: string } }>(
    "/v1/customers",
    async (req, reply) => {
      const size = Math.min(Math.max(Number(req.query.size ?? 100) || 100, 1), 500);
      let list = state.customersOf(partnerOf(req));
      if (req.query.filter) {
        let f: { Field?: string; Value?: string; Operator?: string };
        try {
          f = JSON.parse(req.query.filter) as typeof f;
        } catch {
          return pcError(
            reply,
            400,
            400003,
            'filter must be URL-encoded JSON: {"Field":"Domain","Value":"…","Operator":"starts_with"}.',
          );
        }
        if (f.Operator !== "starts_with" || !["CompanyName", "Domain"].includes(f.Field ?? ""))
          return pcError(
            reply,
            400,
            400004,
            "Only the starts_with operator on CompanyName or Domain is supported.",
          );
        const value = (f.Value ?? "").toLowerCase();
        list = list.filter((c) =>
          (f.Field === "Domain" ? c.domain : c.companyName).toLowerCase().startsWith(value),
        );
      }
      let offset = 0;
      if (req.query.seekOperation === "Next") {
        const token = req.headers["ms-continuationtoken"];
        const decoded =
          typeof token === "string"
            ? /^seek:(\d+)$/.exec(Buffer.from(token, "base64").toString("utf8"))
            : null;
        if (!decoded)
          return pcError(
            reply,
            400,
            400005,
            "MS-ContinuationToken is missing or not valid: copy it from links.next.headers.",
          );
        offset = Number(decoded[1]);
      }
      const page = list.slice(offset, offset + size);
      const query = `/customers?size=${size}${req.query.filter ? `&filter=${encodeURIComponent(req.query.filter)}` : ""}`;
      const more = offset + size < list.length;
      return {
        totalCount: page.length,
        items: page.map(listItem),
        links: {
          self: link(query),
          ...(more
            ? {
                next: link(`${query}&seekOperation=Next`, [
                  {
                    key: "MS-ContinuationToken",
                    value: Buffer.from(`seek:${offset + size}`).toString("base64"),
                  },
                ]),
              }
            : {}),
        },
        attributes: { objectType: "Collection" },
      };
    },
  );
}
