import { seededRandom } from "../../platform/seeded-random.ts";
import {
  countriesOf,
  firstDayOf,
  regionOfCountry,
  regions,
  seedOf,
  stableGuid,
  type Month,
  type UsageResource,
  type UsageSubject,
  type VmPricing,
} from "../usage/index.ts";

/** One generated customer of the partner: its tenant, market and Azure subscriptions (the model's subjects). */
export type SyntheticCustomer = {
  index: number;
  tenantId: string;
  companyName: string;
  country: string;
  billingCurrency: string;
  /** Its Azure subscriptions under the Azure plan, in id order; each meters its own resources. */
  subjects: UsageSubject[];
};

/** What every customer of a run shares. */
export type SyntheticWorld = {
  seed: number;
  months: readonly Month[];
  /** Billing currencies to draw from, in order: the first customers take one each, so every one appears. */
  currencies: readonly string[];
  /** The share of subscriptions that lose PEC for some days of a month. */
  pecChanges: number;
};

/**
 * Where the partner's customers are (billing-data.md §6.1: US 60 %, GB 15 %, CA 10 %, DE 5 %, NO 3 %, JP 2 %, other
 * 5 %), as weights of their billing currencies; a currency's countries share its weight.
 */
const MARKET_WEIGHT: Record<string, number> = {
  USD: 60,
  GBP: 15,
  CAD: 10,
  EUR: 6,
  NOK: 3,
  JPY: 2,
  AUD: 1,
  SEK: 0.7,
  DKK: 0.5,
  CHF: 0.5,
  KRW: 0.4,
  INR: 0.4,
  BRL: 0.3,
  NZD: 0.2,
};

/** The currencies a run bills in unless told otherwise, in the order the first customers take them. */
export const DEFAULT_CURRENCIES: readonly string[] = [
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "CAD",
  "NOK",
  "AUD",
  "SEK",
  "DKK",
  "CHF",
  "KRW",
  "INR",
  "BRL",
  "NZD",
];

/** Company names, some with the commas, quotes and non-ASCII letters a CSV writer must carry intact. */
const NAMES = [
  "Contoso",
  "Fabrikam, Inc.",
  "Northwind Traders",
  "Tailspin Toys",
  "Wingtip Toys",
  "Adventure Works Cycles",
  "Litware",
  "Proseware",
  "Woodgrove Bank",
  "Alpine Ski House",
  "Coho Winery",
  "Trey Research",
  "Lamna Healthcare",
  "Relecloud",
  "Humongous Insurance",
  'Wide World Importers "WWI"',
  "Blue Yonder Airlines",
  "A. Datum Corporation",
  "Margie's Travel",
  "Fourth Coffee",
  "Lucerne Publishing",
  "VanArsdel",
  "Bellows College",
  "Southridge Video",
  "Zoë & Åsa Design",
  "Bäckerei Müller",
];
const JAPANESE_NAMES = ["株式会社コントソ", "ファブリカム株式会社", "ノースウィンド商事"];
const LEGAL_FORM: Record<string, string> = {
  GB: "Ltd",
  DE: "GmbH",
  FR: "SAS",
  NL: "B.V.",
  NO: "AS",
  SE: "AB",
  DK: "ApS",
  CH: "AG",
  AU: "Pty Ltd",
  NZ: "Limited",
  BR: "Ltda.",
  IN: "Pvt Ltd",
  KR: "Co., Ltd.",
  CA: "Inc.",
};

const SUBSCRIPTION_NAMES = [
  "Azure subscription 1",
  "Production",
  "Dev/Test",
  "Shared services",
  "Analytics – EU",
  'Kunde "Nord", Prod',
  "Sandbox",
];

/** Resource groups, in the mixed case real tenants have. */
const RESOURCE_GROUPS = [
  "rg-Prod-Web",
  "RG-DATA",
  "rg-shared-services",
  "Rg-Analytics",
  "rg-dev-Sandbox",
  "NetworkWatcherRG",
  "rg-erp-prod-weu-001",
];

/**
 * Tag sets as customers set them: empty, plain, keys differing only by a leading space (seen in real data), values
 * with commas, quotes and non-ASCII letters.
 */
const TAG_SETS: Record<string, string>[] = [
  {},
  {},
  { environment: "production", costCenter: "CC-1042" },
  { Environment: "Prod", " Environment": "prod" },
  { owner: "Zoë Ångström", project: 'Ærø, "north" wing' },
  { app: "billing", team: "Finanças" },
  { kostenstelle: "4711", abteilung: "Größe/IT" },
  { 部署: "開発", env: "dev" },
  { "cost-center": "", owner: "ops@contoso.com" },
];

/** The kinds of resource a customer runs (~14 types), with how common each is. */
type Blueprint = { type: string; weight: number; name: string; provider: string };
const BLUEPRINTS: Blueprint[] = [
  {
    type: "Microsoft.Compute/virtualMachines",
    weight: 28,
    name: "vm",
    provider: "Microsoft.Compute/virtualMachines",
  },
  { type: "Microsoft.Compute/disks", weight: 10, name: "disk", provider: "Microsoft.Compute/disks" },
  {
    type: "Microsoft.Storage/storageAccounts",
    weight: 14,
    name: "st",
    provider: "Microsoft.Storage/storageAccounts",
  },
  {
    type: "Microsoft.Network/publicIPAddresses",
    weight: 8,
    name: "pip",
    provider: "Microsoft.Network/publicIPAddresses",
  },
  { type: "Microsoft.Sql/servers/databases", weight: 6, name: "sqldb", provider: "Microsoft.Sql/servers" },
  { type: "Microsoft.Web/serverfarms", weight: 6, name: "asp", provider: "Microsoft.Web/serverfarms" },
  { type: "Microsoft.Web/sites", weight: 5, name: "func", provider: "Microsoft.Web/sites" },
  {
    type: "Microsoft.OperationalInsights/workspaces",
    weight: 4,
    name: "log",
    provider: "Microsoft.OperationalInsights/workspaces",
  },
  { type: "Microsoft.KeyVault/vaults", weight: 5, name: "kv", provider: "Microsoft.KeyVault/vaults" },
  {
    type: "Microsoft.ContainerService/managedClusters",
    weight: 2,
    name: "aks",
    provider: "Microsoft.ContainerService/managedClusters",
  },
  {
    type: "Microsoft.Network/loadBalancers",
    weight: 4,
    name: "lb",
    provider: "Microsoft.Network/loadBalancers",
  },
  {
    type: "Microsoft.DocumentDB/databaseAccounts",
    weight: 2,
    name: "cosmos",
    provider: "Microsoft.DocumentDB/databaseAccounts",
  },
  {
    type: "Microsoft.Network/applicationGateways",
    weight: 3,
    name: "agw",
    provider: "Microsoft.Network/applicationGateways",
  },
  {
    type: "Microsoft.Network/virtualNetworkGateways",
    weight: 3,
    name: "vgw",
    provider: "Microsoft.Network/virtualNetworkGateways",
  },
];

/** VM sizes by how often customers pick them: mostly small, the odd GPU. */
const VM_SIZE_WEIGHT: Record<string, number> = {
  Standard_B1s: 10,
  Standard_B2s: 20,
  Standard_D2s_v3: 25,
  Standard_D4s_v3: 15,
  Standard_D8s_v5: 6,
  Standard_E2s_v3: 10,
  Standard_E4s_v5: 6,
  Standard_F4s_v2: 6,
  Standard_NC6s_v3: 2,
};

/** ARM ids are at most 300 characters in real files; some names are long to reach near that. */
const MAX_RESOURCE_URI = 300;
const LONG_NAME_WORDS = [
  "workload",
  "integration",
  "westeurope",
  "replica",
  "primary",
  "archive",
  "reporting",
];

type Random = () => number;

function pick<T>(r: Random, items: readonly T[]): T {
  const item = items[Math.floor(r() * items.length)] ?? items[0];
  if (item === undefined) throw new Error("Nothing to pick from.");
  return item;
}

function weighted<T>(r: Random, items: readonly T[], weightOf: (item: T) => number): T {
  const total = items.reduce((acc, item) => acc + weightOf(item), 0);
  let x = r() * total;
  for (const item of items) {
    x -= weightOf(item);
    if (x < 0) return item;
  }
  return pick(r, items);
}

/** A standard normal draw (Box–Muller). */
const normal = (r: Random) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** A Poisson draw (Knuth), for the number of subscriptions. */
function poisson(r: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = r(); p > limit; p *= r()) k++;
  return k;
}

const clip = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));

/** The partner every generated customer belongs to. */
export function syntheticPartner(seed: number): UsageSubject["partner"] {
  return {
    tenantId: stableGuid("generator", String(seed), "partner"),
    name: "Contoso Cloud Partner",
    mpnId: String(1_000_000 + (seedOf("generator", String(seed), "mpn") % 9_000_000)),
  };
}

function companyNameOf(r: Random, country: string): string {
  if (country === "JP") return pick(r, JAPANESE_NAMES);
  const name = pick(r, NAMES);
  const form = LEGAL_FORM[country];
  return form && !name.endsWith("Inc.") ? `${name} ${form}` : name;
}

function resourceName(r: Random, blueprint: Blueprint, index: number, prefixLength: number): string {
  const name = `${blueprint.name}-${index.toString(36)}`;
  if (r() >= 0.1) return name;
  // A long, descriptive name, so the id comes close to the 300 characters ARM allows.
  let long = name;
  const room = MAX_RESOURCE_URI - prefixLength - 1;
  while (long.length < room - 12) long += `-${pick(r, LONG_NAME_WORDS)}`;
  return long.slice(0, room);
}

function resourceOf(
  r: Random,
  subscriptionId: string,
  index: number,
  home: string,
  since: number,
  window: { first: number; last: number },
): UsageResource {
  const blueprint = weighted(r, BLUEPRINTS, (b) => b.weight);
  const group = pick(r, RESOURCE_GROUPS);
  const prefix = `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/${blueprint.provider}/`;
  const isSql = blueprint.type === "Microsoft.Sql/servers/databases";
  const parent = isSql ? `sqlsrv-${index.toString(36)}/databases/` : "";
  const id = `${prefix}${parent}${resourceName(r, blueprint, index, prefix.length + parent.length)}`;
  const isVm = blueprint.type === "Microsoft.Compute/virtualMachines";
  const x = r();
  const pricing: VmPricing = x < 0.02 ? "spot" : x < 0.05 ? "marketplace" : "payAsYouGo";
  const churn = r();
  const days = window.last - window.first + 1;
  const counts: Record<string, () => number> = {
    "Microsoft.Sql/servers/databases": () => pick(r, [2, 4, 8]),
    "Microsoft.Web/serverfarms": () => 1 + Math.floor(r() * 3),
    "Microsoft.DocumentDB/databaseAccounts": () => 4 + Math.floor(r() * 37),
  };
  return {
    id,
    type: blueprint.type,
    location: r() < 0.85 ? home : pick(r, regions()).name,
    tags: pick(r, TAG_SETS),
    ...(isVm ? { vmSize: weighted(r, Object.keys(VM_SIZE_WEIGHT), (s) => VM_SIZE_WEIGHT[s] ?? 1) } : {}),
    ...(isVm && pricing !== "payAsYouGo" ? { pricing } : {}),
    count: counts[blueprint.type]?.() ?? 1,
    load: clip(Math.exp(normal(r) * 0.8), 0.05, 50),
    // Churn: 5 % of resources are created during the first month and 5 % deleted (billing-data.md §6.1).
    sinceDay: churn < 0.05 ? window.first + 1 + Math.floor(r() * (days - 2)) : since,
    untilDay: churn >= 0.05 && churn < 0.1 ? window.first + 1 + Math.floor(r() * (days - 2)) : null,
  };
}

/**
 * The customer at `index` of a run: drawn from the seed and the index alone, so a run of 10 customers and a run of
 * 1,000 share their first 10, and any customer can be made without the ones before it.
 */
export function syntheticCustomer(world: SyntheticWorld, index: number): SyntheticCustomer {
  const seed = String(world.seed);
  const r = seededRandom(seedOf("generator", seed, "customer", String(index)));
  const currencies = world.currencies;
  const billingCurrency =
    index < currencies.length
      ? (currencies[index] ?? "USD")
      : weighted(r, currencies, (c) => MARKET_WEIGHT[c] ?? 0.2);
  const country = pick(r, countriesOf(billingCurrency));
  const tenantId = stableGuid("generator", seed, "customer", String(index));
  const companyName = companyNameOf(r, country);
  const slug =
    companyName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "")
      .slice(0, 20) || "customer";
  const domain = `${slug}${index}.onmicrosoft.com`;
  const resellerMpnId = r() < 0.1 ? String(4_000_000 + Math.floor(r() * 1_000_000)) : undefined;

  // Every date of a customer's life is drawn within the run's first month, so a run over more months carries on the
  // same customers rather than drawing others. Calendar edges (§6.2): 4 % of customers are created on day 15; 2 %
  // cancel their Azure plan on day 20 and 1 % move to another partner mid-month (their usage stops). The rest have
  // run for a while.
  const first = firstDayOf(world.months[0] ?? "2025-01");
  const window = { first, last: first + 27 };
  const lifecycle = r();
  const sinceDay = lifecycle < 0.04 ? first + 14 : first - 30 - Math.floor(r() * 700);
  const untilDay =
    lifecycle >= 0.04 && lifecycle < 0.06
      ? first + 19
      : lifecycle >= 0.06 && lifecycle < 0.07
        ? first + 5 + Math.floor(r() * 20)
        : undefined;
  const azureCredit = r() < 0.01;
  const savingsPlan =
    r() < 0.05
      ? {
          benefitOrderId: stableGuid("generator", seed, tenantId, "savings-plan-order"),
          benefitId: stableGuid("generator", seed, tenantId, "savings-plan"),
        }
      : undefined;

  // Resources per customer: log-normal, median 40, σ 1.3, within 1–20,000; subscriptions: 1 + Poisson(resources /
  // 150), at most 50, resources spread over them Zipf-like (§6.1).
  const resourceCount = Math.round(clip(40 * Math.exp(1.3 * normal(r)), 1, 20_000));
  const subscriptionCount = Math.min(50, 1 + poisson(r, resourceCount / 150));
  const subscriptionIds = Array.from({ length: subscriptionCount }, (_, k) =>
    stableGuid("generator", seed, tenantId, "subscription", String(k)),
  );
  const home = regionOfCountry(country).name;
  const resources: UsageResource[][] = subscriptionIds.map(() => []);
  for (let i = 0; i < resourceCount; i++) {
    const k = weighted(r, [...subscriptionIds.keys()], (n) => 1 / (n + 1));
    resources[k]?.push(resourceOf(r, subscriptionIds[k] ?? "", i, home, sinceDay, window));
  }
  const customer = {
    tenantId,
    companyName,
    domain,
    country,
    ...(resellerMpnId ? { resellerMpnId } : {}),
  };
  const partner = syntheticPartner(world.seed);
  const azurePlanId = stableGuid("generator", seed, tenantId, "azure-plan");
  const subjects = subscriptionIds
    .map((id, k): UsageSubject => ({
      partner,
      customer,
      subscription: { id, displayName: k === 0 ? "Azure subscription 1" : pick(r, SUBSCRIPTION_NAMES) },
      azurePlanId,
      sinceDay,
      scale: 1,
      billingCurrency,
      resources: resources[k] ?? [],
      ...(untilDay === undefined ? {} : { untilDay }),
      baseWorkload: false,
      pecLossShare: world.pecChanges,
      ...(azureCredit ? { azureCredit } : {}),
      ...(savingsPlan ? { savingsPlan } : {}),
      precision: "partnerCenter",
    }))
    .sort((a, b) => (a.subscription.id < b.subscription.id ? -1 : 1));
  return { index, tenantId, companyName, country, billingCurrency, subjects };
}
