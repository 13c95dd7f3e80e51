import { link, pcFault, type PcAnswer } from "./pc-answer.ts";

/** The Azure plan (B7.1): product DZH318Z0BPS6, SKU 0001, "Microsoft Azure plan (MS-AZR-0017G)". */
const AZURE_PLAN_PRODUCT_ID = "DZH318Z0BPS6";
const AZURE_PLAN_SKU_ID = "0001";

/**
 * The Azure plan's availability id in each market the emulator sells in, with the market's currency. Microsoft's
 * ids vary by market and segment (the documented GB one is DZH318Z0BML6); the others are the emulator's own, and
 * never change once orders name them.
 */
const MARKETS: Record<string, { availabilityId: string; currency: { code: string; symbol: string } }> = {
  US: { availabilityId: "DZH318Z0BQ3Q", currency: { code: "USD", symbol: "$" } },
  GB: { availabilityId: "DZH318Z0BML6", currency: { code: "GBP", symbol: "£" } },
  CA: { availabilityId: "DZH318Z0BQ7N", currency: { code: "CAD", symbol: "$" } },
  DE: { availabilityId: "DZH318Z0BP8K", currency: { code: "EUR", symbol: "€" } },
  FR: { availabilityId: "DZH318Z0BPWF", currency: { code: "EUR", symbol: "€" } },
  NL: { availabilityId: "DZH318Z0BQ1D", currency: { code: "EUR", symbol: "€" } },
  AU: { availabilityId: "DZH318Z0BNZ4", currency: { code: "AUD", symbol: "$" } },
};

export const isSupportedCountry = (country: string) => country.toUpperCase() in MARKETS;

export const currencyOf = (country: string) =>
  MARKETS[country.toUpperCase()]?.currency ?? { code: "USD", symbol: "$" };

const PRODUCT_PATH = `/products/${AZURE_PLAN_PRODUCT_ID}`;
const SKU_PATH = `/products/${AZURE_PLAN_PRODUCT_ID}/skus/${AZURE_PLAN_SKU_ID}`;

export function productView(country: string) {
  return {
    id: AZURE_PLAN_PRODUCT_ID,
    title: "Microsoft Azure plan",
    description: "Gain access to Azure services.",
    productType: { id: "Azure", displayName: "Azure" },
    isMicrosoftProduct: true,
    publisherName: "Microsoft Corporation",
    links: {
      skus: link(`${PRODUCT_PATH}/skus?country=${country}`),
      self: link(`${PRODUCT_PATH}?country=${country}`),
    },
    attributes: { objectType: "Product" },
  };
}

export function skuView(country: string) {
  return {
    id: AZURE_PLAN_SKU_ID,
    productId: AZURE_PLAN_PRODUCT_ID,
    title: "Microsoft Azure plan",
    description: "(MS-AZR-0017G)",
    minimumQuantity: 1,
    maximumQuantity: 1,
    isTrial: false,
    supportedBillingCycles: ["one_time"],
    purchasePrerequisites: ["MicrosoftCustomerAgreement"],
    actions: ["Refund"],
    dynamicAttributes: { isMicrosoftProduct: true },
    links: {
      availabilities: link(`${SKU_PATH}/availabilities?country=${country}`),
      self: link(`${SKU_PATH}?country=${country}`),
    },
    attributes: { objectType: "Sku" },
  };
}

export function availabilityView(country: string) {
  const market = MARKETS[country.toUpperCase()];
  const id = market?.availabilityId ?? "";
  return {
    id,
    productId: AZURE_PLAN_PRODUCT_ID,
    skuId: AZURE_PLAN_SKU_ID,
    catalogItemId: `${AZURE_PLAN_PRODUCT_ID}:${AZURE_PLAN_SKU_ID}:${id}`,
    country: country.toUpperCase(),
    isPurchasable: true,
    isRenewable: false,
    defaultCurrency: market?.currency,
    terms: [],
    links: { self: link(`${SKU_PATH}/availabilities/${id}?country=${country}`) },
    attributes: { objectType: "Availability" },
  };
}

/**
 * Looks up a product, SKU and availability in a market: the answer to show, or Partner Center's 404 with 400013
 * (product), 400018 (SKU) or 400019 (availability) (B2).
 */
export function findInCatalog(
  country: string,
  productId: string,
  skuId?: string,
  availabilityId?: string,
): { ok: true } | { ok: false; refusal: PcAnswer } {
  if (productId.toUpperCase() !== AZURE_PLAN_PRODUCT_ID)
    return { ok: false, refusal: pcFault(404, 400013, `The product ${productId} was not found.`) };
  if (skuId !== undefined && skuId !== AZURE_PLAN_SKU_ID)
    return { ok: false, refusal: pcFault(404, 400018, `The SKU ${skuId} of ${productId} was not found.`) };
  const market = MARKETS[country.toUpperCase()];
  if (availabilityId !== undefined && market?.availabilityId !== availabilityId.toUpperCase())
    return {
      ok: false,
      refusal: pcFault(
        404,
        400019,
        `The availability ${availabilityId} of ${productId}:${skuId ?? ""} was not found in ${country}.`,
      ),
    };
  return { ok: true };
}

/** Checks a catalog item id (`{productId}:{skuId}:{availabilityId}`, B7.1) against a market. */
export function catalogItemIn(country: string, catalogItemId: string) {
  const [productId = "", skuId = "", availabilityId = "", ...rest] = catalogItemId.split(":");
  if (rest.length || !availabilityId)
    return {
      ok: false as const,
      refusal: pcFault(
        404,
        400019,
        `The catalog item id ${catalogItemId} is not productId:skuId:availabilityId.`,
      ),
    };
  return findInCatalog(country, productId, skuId, availabilityId);
}

export const isAzurePlan = (catalogItemId: string) =>
  catalogItemId.toUpperCase().startsWith(`${AZURE_PLAN_PRODUCT_ID}:${AZURE_PLAN_SKU_ID}:`);

/** The catalog links of an order line or subscription for a catalog item id. */
export function catalogLinks(catalogItemId: string, country: string) {
  const [productId = "", skuId = "", availabilityId = ""] = catalogItemId.split(":");
  const sku = `/products/${productId}/skus/${skuId}`;
  return {
    product: link(`/products/${productId}?country=${country}`),
    sku: link(`${sku}?country=${country}`),
    availability: link(`${sku}/availabilities/${availabilityId}?country=${country}`),
  };
}
