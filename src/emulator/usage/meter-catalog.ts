import { fixed, rescale, significant, times, type Fixed } from "./fixed-decimal.ts";
import { seededRandom } from "../../platform/seeded-random.ts";
import { seedOf, stableCode, stableGuid } from "./seeded-random.ts";

/**
 * How a meter's daily quantity is drawn: compute hours (24 a day, fewer on the first day, a dev workload's
 * weekdays only), a monthly item prorated per day (a managed disk), stored capacity prorated per day, bursty
 * traffic (GB out, or operations in blocks of 10K), an always-on hourly item (a static public IP, a database's
 * vCores), or a bursty amount around the meter's own daily median (log ingestion, function execution time).
 */
export type QuantityKind =
  "computeHours" | "monthlyItem" | "storedCapacity" | "traffic" | "operations" | "hours" | "bursty";

/**
 * How exactly a row's prices and quantities are written: `catalog` (the emulator's Partner Center API: unit prices
 * with 6 decimals, quantities with 6) or `partnerCenter` (a reconciliation file's: unit prices with 16 significant
 * digits, quantities with the meter's 6–10 decimals, and the odd zero, tiny or huge quantity real files carry).
 */
export type Precision = "catalog" | "partnerCenter";

export type Meter = {
  key: string;
  meterId: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  productName: string;
  skuName: string;
  meterCategory: string;
  meterSubCategory: string;
  meterName: string;
  unitOfMeasure: string;
  consumedService: string;
  /** "Microsoft", or the third party whose marketplace product it is. */
  publisherName: string;
  publisherId: string;
  /** Whether partner earned credit applies: not to spot VMs nor to third-party products (PEC rules). */
  pecEligible: boolean;
  /** Pay-as-you-go list price in USD (East US), 6 decimals. */
  listPrice: Fixed;
  quantity: QuantityKind;
  /** Decimals of a daily quantity at `partnerCenter` precision (6–10, as Microsoft's files carry them). */
  quantityDecimals: number;
  /** A typical day's quantity of a `bursty` meter. */
  dailyMedian?: number;
  /** The VM size in AdditionalInfo.ServiceType, for compute meters. */
  vmSize?: string;
};

type MeterSpec = Omit<
  Meter,
  | "meterId"
  | "productId"
  | "skuId"
  | "availabilityId"
  | "listPrice"
  | "publisherName"
  | "publisherId"
  | "pecEligible"
  | "quantityDecimals"
> &
  Partial<Pick<Meter, "publisherName" | "publisherId" | "pecEligible" | "quantityDecimals">> & {
    listPrice: string | Fixed;
  };

/** Decimals of a daily quantity by its kind, at `partnerCenter` precision. */
const QUANTITY_DECIMALS: Record<QuantityKind, number> = {
  computeHours: 6,
  hours: 6,
  monthlyItem: 10,
  storedCapacity: 10,
  traffic: 8,
  operations: 7,
  bursty: 9,
};

function meter(m: MeterSpec): Meter {
  return {
    publisherName: "Microsoft",
    publisherId: "",
    pecEligible: true,
    quantityDecimals: QUANTITY_DECIMALS[m.quantity],
    ...m,
    meterId: stableGuid("meter", m.key),
    productId: stableCode(12, "product", m.productName),
    skuId: stableCode(4, "sku", m.key),
    availabilityId: stableCode(12, "availability", m.key),
    listPrice: typeof m.listPrice === "string" ? fixed(m.listPrice) : m.listPrice,
  };
}

function vmCompute(size: string, series: string, listPrice: string): Meter {
  const name = size.replace(/^Standard_/, "").replace(/_/g, " ");
  return meter({
    key: `vm-${size.toLowerCase()}`,
    productName: `Virtual Machines ${series} Series`,
    skuName: name,
    meterCategory: "Virtual Machines",
    meterSubCategory: `${series} Series`,
    meterName: name,
    unitOfMeasure: "1 Hour",
    consumedService: "Microsoft.Compute",
    listPrice,
    quantity: "computeHours",
    vmSize: size,
  });
}

const VM_SIZES: Record<string, Meter> = {
  Standard_B1s: vmCompute("Standard_B1s", "BS", "0.010400"),
  Standard_B2s: vmCompute("Standard_B2s", "BS", "0.041600"),
  Standard_D2s_v3: vmCompute("Standard_D2s_v3", "DSv3", "0.096000"),
  Standard_D4s_v3: vmCompute("Standard_D4s_v3", "DSv3", "0.192000"),
  Standard_D8s_v5: vmCompute("Standard_D8s_v5", "Dsv5", "0.384000"),
  Standard_E2s_v3: vmCompute("Standard_E2s_v3", "ESv3", "0.126000"),
  Standard_E4s_v5: vmCompute("Standard_E4s_v5", "Esv5", "0.252000"),
  Standard_F4s_v2: vmCompute("Standard_F4s_v2", "FSv2", "0.169000"),
  Standard_NC6s_v3: vmCompute("Standard_NC6s_v3", "NCSv3", "3.060000"),
};
const DEFAULT_VM_SIZE = "Standard_D2s_v3";

/** The VM sizes the catalog prices. */
export const vmSizes = () => Object.keys(VM_SIZES);

/** A spot VM's compute meter: about a fifth of the pay-as-you-go price, and never partner earned credit. */
function spotCompute(m: Meter): Meter {
  return meter({
    key: `${m.key}-spot`,
    productName: `${m.productName} Spot`,
    skuName: `${m.skuName} Spot`,
    meterCategory: m.meterCategory,
    meterSubCategory: `${m.meterSubCategory} Spot`,
    meterName: `${m.meterName} Spot`,
    unitOfMeasure: m.unitOfMeasure,
    consumedService: m.consumedService,
    listPrice: rescale(times(m.listPrice, fixed("0.2000")), 6),
    quantity: "computeHours",
    pecEligible: false,
    ...(m.vmSize ? { vmSize: m.vmSize } : {}),
  });
}
const SPOT_SIZES: Record<string, Meter> = Object.fromEntries(
  Object.entries(VM_SIZES).map(([size, m]) => [size, spotCompute(m)]),
);

export const METERS = {
  managedDisk: meter({
    key: "premium-ssd-p10",
    productName: "Premium SSD Managed Disks",
    skuName: "P10 LRS",
    meterCategory: "Storage",
    meterSubCategory: "Premium SSD Managed Disks",
    meterName: "P10 LRS Disk",
    unitOfMeasure: "1/Month",
    consumedService: "Microsoft.Compute",
    listPrice: "19.712000",
    quantity: "monthlyItem",
  }),
  blobStored: meter({
    key: "blob-hot-lrs-stored",
    productName: "General Block Blob v2",
    skuName: "Hot LRS",
    meterCategory: "Storage",
    meterSubCategory: "General Block Blob v2",
    meterName: "Hot LRS Data Stored",
    unitOfMeasure: "1 GB/Month",
    consumedService: "Microsoft.Storage",
    listPrice: "0.020800",
    quantity: "storedCapacity",
  }),
  blobWrites: meter({
    key: "blob-hot-lrs-write-operations",
    productName: "General Block Blob v2",
    skuName: "Hot LRS",
    meterCategory: "Storage",
    meterSubCategory: "General Block Blob v2",
    meterName: "Hot LRS Write Operations",
    unitOfMeasure: "10K",
    consumedService: "Microsoft.Storage",
    listPrice: "0.065000",
    quantity: "operations",
  }),
  dataTransferOut: meter({
    key: "data-transfer-out",
    productName: "Bandwidth - Routing Preference: Internet",
    skuName: "Standard",
    meterCategory: "Bandwidth",
    meterSubCategory: "Routing Preference: Internet",
    meterName: "Standard Data Transfer Out",
    unitOfMeasure: "1 GB",
    consumedService: "Microsoft.Network",
    listPrice: "0.087000",
    quantity: "traffic",
  }),
  publicIp: meter({
    key: "public-ip-standard-static",
    productName: "IP Addresses",
    skuName: "Standard",
    meterCategory: "Virtual Network",
    meterSubCategory: "IP Addresses",
    meterName: "Standard IPv4 Static Public IP",
    unitOfMeasure: "1 Hour",
    consumedService: "Microsoft.Network",
    listPrice: "0.005000",
    quantity: "hours",
  }),
  sqlVcore: meter({
    key: "sql-database-gp-gen5-vcore",
    productName: "SQL Database Single/Elastic Pool General Purpose - Compute Gen5",
    skuName: "vCore",
    meterCategory: "SQL Database",
    meterSubCategory: "Single/Elastic Pool General Purpose - Compute Gen5",
    meterName: "vCore",
    unitOfMeasure: "1 Hour",
    consumedService: "Microsoft.Sql",
    listPrice: "0.252200",
    quantity: "hours",
  }),
  appServicePlan: meter({
    key: "app-service-p1-v3",
    productName: "Azure App Service Premium v3 Plan",
    skuName: "P1 v3",
    meterCategory: "Azure App Service",
    meterSubCategory: "Premium v3 Plan",
    meterName: "P1 v3 App",
    unitOfMeasure: "1 Hour",
    consumedService: "Microsoft.Web",
    listPrice: "0.138000",
    quantity: "hours",
  }),
  functionsExecutionTime: meter({
    key: "functions-execution-time",
    productName: "Functions",
    skuName: "Standard",
    meterCategory: "Functions",
    meterSubCategory: "",
    meterName: "Standard Execution Time",
    unitOfMeasure: "1 GB Second",
    consumedService: "Microsoft.Web",
    listPrice: "0.000016",
    quantity: "bursty",
    quantityDecimals: 10,
    dailyMedian: 40_000,
  }),
  functionsExecutions: meter({
    key: "functions-total-executions",
    productName: "Functions",
    skuName: "Standard",
    meterCategory: "Functions",
    meterSubCategory: "",
    meterName: "Standard Total Executions",
    unitOfMeasure: "10",
    consumedService: "Microsoft.Web",
    listPrice: "0.000002",
    quantity: "bursty",
    quantityDecimals: 6,
    dailyMedian: 25_000,
  }),
  logAnalyticsIngestion: meter({
    key: "log-analytics-pay-as-you-go-ingestion",
    productName: "Log Analytics",
    skuName: "Pay-as-you-go",
    meterCategory: "Log Analytics",
    meterSubCategory: "",
    meterName: "Pay-as-you-go Data Ingestion",
    unitOfMeasure: "1 GB",
    consumedService: "Microsoft.OperationalInsights",
    listPrice: "2.760000",
    quantity: "bursty",
    dailyMedian: 3,
  }),
  keyVaultOperations: meter({
    key: "key-vault-standard-operations",
    productName: "Key Vault",
    skuName: "Standard",
    meterCategory: "Key Vault",
    meterSubCategory: "",
    meterName: "Operations",
    unitOfMeasure: "10K",
    consumedService: "Microsoft.KeyVault",
    listPrice: "0.030000",
    quantity: "bursty",
    quantityDecimals: 7,
    dailyMedian: 4,
  }),
  aksUptimeSla: meter({
    key: "aks-uptime-sla",
    productName: "Azure Kubernetes Service",
    skuName: "Standard",
    meterCategory: "Azure Kubernetes Service",
    meterSubCategory: "",
    meterName: "Standard Uptime SLA",
    unitOfMeasure: "1 Hour",
    consumedService: "Microsoft.ContainerService",
    listPrice: "0.100000",
    quantity: "hours",
  }),
  loadBalancerRules: meter({
    key: "load-balancer-standard-rules",
    productName: "Load Balancer",
    skuName: "Standard",
    meterCategory: "Load Balancer",
    meterSubCategory: "",
    meterName: "Standard Included LB Rules and Outbound Rules",
    unitOfMeasure: "1 Hour",
    consumedService: "Microsoft.Network",
    listPrice: "0.025000",
    quantity: "hours",
  }),
  loadBalancerData: meter({
    key: "load-balancer-standard-data-processed",
    productName: "Load Balancer",
    skuName: "Standard",
    meterCategory: "Load Balancer",
    meterSubCategory: "",
    meterName: "Standard Data Processed",
    unitOfMeasure: "1 GB",
    consumedService: "Microsoft.Network",
    listPrice: "0.005000",
    quantity: "bursty",
    dailyMedian: 60,
  }),
  cosmosThroughput: meter({
    key: "cosmos-db-provisioned-throughput",
    productName: "Azure Cosmos DB",
    skuName: "RUs",
    meterCategory: "Azure Cosmos DB",
    meterSubCategory: "",
    meterName: "100 RU/s",
    unitOfMeasure: "1 Hour",
    consumedService: "Microsoft.DocumentDB",
    listPrice: "0.008000",
    quantity: "hours",
  }),
  /** A third-party image's licence, billed per hour beside the VM; its publisher's product, so never PEC. */
  marketplaceFirewall: meter({
    key: "marketplace-fortigate-ngfw-byol-payg",
    productName: "FortiGate Next-Generation Firewall",
    skuName: "Pay-as-you-go 2 vCPU",
    meterCategory: "Virtual Machine Licenses",
    meterSubCategory: "FortiGate Next-Generation Firewall",
    meterName: "2 vCPU VM License",
    unitOfMeasure: "1 Hour",
    consumedService: "Microsoft.Compute",
    listPrice: "0.300000",
    quantity: "hours",
    publisherName: "Fortinet Inc.",
    publisherId: "fortinet",
    pecEligible: false,
  }),
};

/** How a VM is priced: pay as you go, at the spot price, or pay as you go plus a third-party image's licence. */
export type VmPricing = "payAsYouGo" | "spot" | "marketplace";

/** The compute meter of a VM size; sizes the catalog does not price are billed as the default size. */
export function vmComputeMeter(size: string | undefined, pricing: VmPricing = "payAsYouGo"): Meter {
  const sizes = pricing === "spot" ? SPOT_SIZES : VM_SIZES;
  return sizes[size ?? DEFAULT_VM_SIZE] ?? sizes[DEFAULT_VM_SIZE] ?? METERS.dataTransferOut;
}

/** What an ARM resource meters each day, by its type (one to three meters; every other type sends traffic out). */
export function metersOfResourceType(type: string, vmSize: string | undefined, pricing?: VmPricing): Meter[] {
  switch (type.toLowerCase()) {
    case "microsoft.compute/virtualmachines":
      return pricing === "marketplace"
        ? [vmComputeMeter(vmSize), METERS.managedDisk, METERS.marketplaceFirewall]
        : [vmComputeMeter(vmSize, pricing), METERS.managedDisk];
    case "microsoft.compute/disks":
      return [METERS.managedDisk];
    case "microsoft.storage/storageaccounts":
      return [METERS.blobStored, METERS.blobWrites];
    case "microsoft.network/publicipaddresses":
      return [METERS.publicIp];
    case "microsoft.sql/servers/databases":
      return [METERS.sqlVcore];
    case "microsoft.web/serverfarms":
      return [METERS.appServicePlan];
    case "microsoft.web/sites":
      return [METERS.functionsExecutionTime, METERS.functionsExecutions];
    case "microsoft.operationalinsights/workspaces":
      return [METERS.logAnalyticsIngestion];
    case "microsoft.keyvault/vaults":
      return [METERS.keyVaultOperations];
    case "microsoft.containerservice/managedclusters":
      return [METERS.aksUptimeSla];
    case "microsoft.network/loadbalancers":
      return [METERS.loadBalancerRules, METERS.loadBalancerData];
    case "microsoft.documentdb/databaseaccounts":
      return [METERS.cosmosThroughput];
    default:
      return [METERS.dataTransferOut];
  }
}

/** Azure regions the emulator prices, with a price factor over East US and the meter region's display name. */
type Region = { name: string; displayName: string; priceFactor: Fixed };
const REGIONS: Record<string, Region> = {
  US: { name: "eastus", displayName: "US East", priceFactor: fixed("1.0000") },
  GB: { name: "uksouth", displayName: "UK South", priceFactor: fixed("1.0925") },
  CA: { name: "canadacentral", displayName: "CA Central", priceFactor: fixed("1.0400") },
  DE: { name: "germanywestcentral", displayName: "DE West Central", priceFactor: fixed("1.1050") },
  JP: { name: "japaneast", displayName: "JA East", priceFactor: fixed("1.1500") },
  FR: { name: "francecentral", displayName: "FR Central", priceFactor: fixed("1.1300") },
  NO: { name: "norwayeast", displayName: "NO East", priceFactor: fixed("1.1900") },
  SE: { name: "swedencentral", displayName: "SE Central", priceFactor: fixed("1.0650") },
  CH: { name: "switzerlandnorth", displayName: "CH North", priceFactor: fixed("1.2100") },
  AU: { name: "australiaeast", displayName: "AU East", priceFactor: fixed("1.1600") },
  KR: { name: "koreacentral", displayName: "KR Central", priceFactor: fixed("1.1100") },
  IN: { name: "centralindia", displayName: "IN Central", priceFactor: fixed("0.9800") },
  BR: { name: "brazilsouth", displayName: "BR South", priceFactor: fixed("1.5200") },
};
const DEFAULT_REGION: Region = { name: "westeurope", displayName: "EU West", priceFactor: fixed("1.0850") };

/** A customer's workload runs in the region nearest its billing country. */
export const regionOfCountry = (country: string): Region => REGIONS[country.toUpperCase()] ?? DEFAULT_REGION;

/** Every region the catalog prices. */
export const regions = (): Region[] => [...Object.values(REGIONS), DEFAULT_REGION];

const REGION_BY_NAME = new Map(Object.values(REGIONS).map((r) => [r.name, r]));

export function regionByName(name: string): Region {
  return REGION_BY_NAME.get(name) ?? REGION_BY_NAME.get(name.toLowerCase()) ?? { ...DEFAULT_REGION, name };
}

/** Significant digits of a unit price in Partner Center's files (`0.0209951014286867`). */
const PRICE_DIGITS = 16;
const pricesAtFullPrecision = new Map<string, Fixed>();

/**
 * The meter's unit price in a region. At `catalog` precision: list price × the region's factor, 6 decimals
 * (banker's rounding). At `partnerCenter` precision the price list's own figure, which is not a round number:
 * that product times a stable factor within ±2 % drawn for the meter and region, kept to 16 significant digits.
 */
export function unitPriceIn(m: Meter, region: Region, precision: Precision = "catalog"): Fixed {
  if (precision === "catalog") return rescale(times(m.listPrice, region.priceFactor), 6);
  const key = `${m.key}|${region.name}`;
  const known = pricesAtFullPrecision.get(key);
  if (known) return known;
  const draw = seededRandom(seedOf("price", m.key, region.name))();
  const factor = { units: 980_000_000_000_000n + BigInt(Math.floor(draw * 40_000_000_000_000)), scale: 15 };
  const price = significant(times(times(m.listPrice, region.priceFactor), factor), PRICE_DIGITS);
  pricesAtFullPrecision.set(key, price);
  return price;
}
