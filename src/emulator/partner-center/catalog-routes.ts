import type { FastifyInstance, FastifyRequest } from "fastify";
import { availabilityView, findInCatalog, isSupportedCountry, productView, skuView } from "./catalog.ts";
import { collection, pcFault, send, type PcAnswer } from "./pc-answer.ts";
import { countryOf, customerOf, type PcContext } from "./pc-context.ts";

type Params = { id?: string; productId?: string; skuId?: string; availabilityId?: string };
type Query = { country?: string; targetView?: string };

/** What a catalog path asks for, answered for one market. */
function catalogAnswer(country: string, p: Params, what: string, targetView?: string): PcAnswer {
  if (what === "products") {
    if (!targetView) return pcFault(400, 800002, "targetView is required, e.g. targetView=MicrosoftAzure.");
    // Only the Azure plan is emulated: other views (OnlineServices, Software, AzureReservations) list nothing.
    const sold = targetView === "MicrosoftAzure" && isSupportedCountry(country);
    return { status: 200, body: collection(sold ? [productView(country)] : []) };
  }
  const found = findInCatalog(country, p.productId ?? "", p.skuId, p.availabilityId);
  if (!found.ok) return found.refusal;
  const body =
    what === "product"
      ? productView(country)
      : what === "skus"
        ? collection([skuView(country)])
        : what === "sku"
          ? skuView(country)
          : what === "availabilities"
            ? collection(isSupportedCountry(country) ? [availabilityView(country)] : [])
            : availabilityView(country);
  return { status: 200, body };
}

const PATHS: [string, string][] = [
  ["products", "/products"],
  ["product", "/products/:productId"],
  ["skus", "/products/:productId/skus"],
  ["sku", "/products/:productId/skus/:skuId"],
  ["availabilities", "/products/:productId/skus/:skuId/availabilities"],
  ["availability", "/products/:productId/skus/:skuId/availabilities/:availabilityId"],
];

/**
 * The catalog (B7.1): products by market and target view, their SKUs and availabilities, and the same for a
 * customer, whose market is the country of its billing address. Only the Azure plan is sold.
 */
export function catalogRoutes(app: FastifyInstance, ctx: PcContext) {
  for (const [what, path] of PATHS) {
    app.get(`/v1${path}`, async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply) => {
      const country = (req.query.country ?? "").toUpperCase();
      if (!country) return send(reply, pcFault(400, 800002, "country is required, e.g. country=US."));
      if (!isSupportedCountry(country))
        return send(reply, pcFault(400, 800002, `The country ${country} is not a supported market.`));
      return send(reply, catalogAnswer(country, req.params, what, req.query.targetView));
    });
    app.get(
      `/v1/customers/:id${path}`,
      async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply) => {
        const found = customerOf(ctx, req, req.params.id ?? "");
        if ("refusal" in found) return send(reply, found.refusal);
        return send(reply, catalogAnswer(countryOf(found.customer), req.params, what, req.query.targetView));
      },
    );
  }
}
