import { fixed, rescale, times, type Fixed } from "./fixed-decimal.ts";
import { stableCode, stableGuid } from "./seeded-random.ts";

/**
 * How a meter's daily quantity is drawn: compute hours (24 a day, fewer on the first day, a dev workload's
 * weekdays only), a monthly item prorated per day (a managed disk), stored capacity prorated per day, bursty
 * traffic (GB out, or operations in blocks of 10K), or an always-on hourly item (a static public IP).
 */
export type QuantityKind =
  "computeHours" | "monthlyItem" | "storedCapacity" | "traffic" | "operations" | "hours";

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
  /** Pay-as-you-go list price in USD (East US), 6 decimals. */
  listPrice: Fixed;
  quantity: QuantityKind;
  /** The VM size in AdditionalInfo.ServiceType, for compute meters. */
  vmSize?: string;
};

function meter(
  m: Omit<Meter, "meterId" | "productId" | "skuId" | "availabilityId" | "listPrice"> & {
    listPrice: string;
  },
): Meter {
  return {
    ...m,
    meterId: stableGuid("meter", m.key),
    productId: stableCode(12, "product", m.productName),
    skuId: stableCode(4, "sku", m.key),
    availabilityId: stableCode(12, "availability", m.key),
    listPrice: fixed(m.listPrice),
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
  Standard_B2s: vmCompute("Standard_B2s", "BS", "0.041600"),
  Standard_D2s_v3: vmCompute("Standard_D2s_v3", "DSv3", "0.096000"),
  Standard_D4s_v3: vmCompute("Standard_D4s_v3", "DSv3", "0.192000"),
  Standard_E2s_v3: vmCompute("Standard_E2s_v3", "ESv3", "0.126000"),
};
const DEFAULT_VM_SIZE = "Standard_D2s_v3";

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
};

/** The compute meter of a VM size; sizes the catalog does not price are billed as the default size. */
export function vmComputeMeter(size: string | undefined): Meter {
  return VM_SIZES[size ?? DEFAULT_VM_SIZE] ?? VM_SIZES[DEFAULT_VM_SIZE] ?? METERS.dataTransferOut;
}

/** What an ARM resource meters each day, by its type (one or two meters; every other type sends traffic out). */
export function metersOfResourceType(type: string, vmSize: string | undefined): Meter[] {
  switch (type.toLowerCase()) {
    case "microsoft.compute/virtualmachines":
      return [vmComputeMeter(vmSize), METERS.managedDisk];
    case "microsoft.compute/disks":
      return [METERS.managedDisk];
    case "microsoft.storage/storageaccounts":
      return [METERS.blobStored, METERS.blobWrites];
    case "microsoft.network/publicipaddresses":
      return [METERS.publicIp];
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
};
const DEFAULT_REGION: Region = { name: "westeurope", displayName: "EU West", priceFactor: fixed("1.0850") };

/** A customer's workload runs in the region nearest its billing country. */
export const regionOfCountry = (country: string): Region => REGIONS[country.toUpperCase()] ?? DEFAULT_REGION;

export function regionByName(name: string): Region {
  return Object.values(REGIONS).find((r) => r.name === name.toLowerCase()) ?? { ...DEFAULT_REGION, name };
}

/** The meter's unit price in a region: list price × the region's factor, 6 decimals (banker's rounding). */
export function unitPriceIn(m: Meter, region: Region): Fixed {
  return rescale(times(m.listPrice, region.priceFactor), 6);
}
