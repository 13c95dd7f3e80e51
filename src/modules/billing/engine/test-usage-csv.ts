/**
 * Test support: daily rated usage files written the way Partner Center writes them (the 55 headers, RFC 4180
 * quoting), from a few values per row; every other column gets a plausible constant.
 */
import { DAILY_RATED_USAGE_COLUMNS } from "./usage-csv.ts";

type Column = (typeof DAILY_RATED_USAGE_COLUMNS)[number];
export type UsageRowValues = Partial<Record<Column, string>>;

export const CONTOSO = "2f7c1c6e-8d1a-4a8e-9b1e-6f0c1d2e3a4b";
export const FABRIKAM = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

const DEFAULTS: Record<Column, string> = {
  PartnerId: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
  PartnerName: "Northwind Cloud Partner",
  CustomerId: CONTOSO,
  CustomerName: "Contoso Ltd",
  CustomerDomainName: "contoso.onmicrosoft.com",
  CustomerCountry: "US",
  MpnId: "1234567",
  Tier2MpnId: "",
  InvoiceNumber: "",
  ProductId: "DZH318Z0BQ4C",
  SkuId: "006G",
  AvailabilityId: "DZH318Z0BQ4D",
  SkuName: "D2 v3",
  ProductName: "Virtual Machines Dv3 Series",
  PublisherName: "Microsoft",
  PublisherId: "",
  SubscriptionDescription: "Azure plan",
  SubscriptionId: "0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f",
  ChargeStartDate: "2024-05-01T00:00:00Z",
  ChargeEndDate: "2024-05-31T23:59:59Z",
  UsageDate: "2024-05-14T00:00:00Z",
  MeterType: "Consumption",
  MeterCategory: "Virtual Machines",
  MeterId: "e2a8b4b6-55f4-4d4f-9a8c-0b1c2d3e4f50",
  MeterSubCategory: "Dv3/DSv3 Series",
  MeterName: "D2 v3/D2s v3",
  MeterRegion: "US East",
  Unit: "1 Hour",
  ResourceLocation: "eastus",
  ConsumedService: "Microsoft.Compute",
  ResourceGroup: "rg-Workload",
  ResourceURI:
    "/subscriptions/7d3f0a1b-2c4d-4e5f-8a9b-0c1d2e3f4a5b/resourceGroups/rg-workload/providers/Microsoft.Compute/virtualMachines/vm-01",
  ChargeType: "new",
  UnitPrice: "0.096",
  Quantity: "24",
  UnitType: "1 Hour",
  BillingPreTaxTotal: "1.9584",
  BillingCurrency: "USD",
  PricingPreTaxTotal: "1.9584",
  PricingCurrency: "USD",
  ServiceInfo1: "",
  ServiceInfo2: "",
  Tags: '{"environment":"production","costCenter":"CC-100, main"}',
  AdditionalInfo: '{"ServiceType":"Standard_D2s_v3","ImageType":"Canonical","VMName":"vm-01"}',
  EffectiveUnitPrice: "0.0816",
  PCToBCExchangeRate: "1",
  PCToBCExchangeRateDate: "2024-04-30T00:00:00Z",
  EntitlementId: "7d3f0a1b-2c4d-4e5f-8a9b-0c1d2e3f4a5b",
  EntitlementDescription: "Production",
  PartnerEarnedCreditPercentage: "15",
  CreditPercentage: "0",
  CreditType: "Partner Earned Credit Applied",
  BenefitOrderId: "",
  BenefitId: "",
  BenefitType: "",
};

/** A field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break, quotes doubled. */
export const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

/** A usage file: a header of `columns` (default: all 55 in Partner Center's order), then one line per row. */
export function usageCsv(
  rows: readonly UsageRowValues[],
  options: { columns?: readonly string[]; eol?: string; bom?: boolean } = {},
): string {
  const columns = options.columns ?? DAILY_RATED_USAGE_COLUMNS;
  const eol = options.eol ?? "\r\n";
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows)
    lines.push(
      columns
        .map((c) => csvField((row as Record<string, string | undefined>)[c] ?? DEFAULTS[c as Column] ?? ""))
        .join(","),
    );
  return `${options.bom ? "\uFEFF" : ""}${lines.join(eol)}${eol}`;
}
