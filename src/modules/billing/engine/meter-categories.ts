/** Meter categories compare without case and with runs of spaces as one: "Virtual  machines" is "Virtual Machines". */
export const categoryKey = (meterCategory: string): string =>
  meterCategory.trim().replace(/\s+/g, " ").toLowerCase();

/** How an invoice that splits usage classes a meter: infrastructure, or a platform/software service. */
export type ServiceClass = "iaas" | "saas";

/**
 * Azure meter categories billed as infrastructure (compute, storage, networking and what runs or protects them);
 * every other category (databases, app hosting, analytics, monitoring, AI, marketplace software…) is a service,
 * "SaaS" in the invoice's words. The split follows the product's later invoices ("Integrated Microsoft Azure
 * Services IaaS" / "… SaaS"), where the classes were also priced and taxed apart.
 */
const IAAS_CATEGORIES: ReadonlySet<string> = new Set(
  [
    "Virtual Machines",
    "Virtual Machines Licenses",
    "Azure Dedicated Host",
    "Azure VMware Solution",
    "Storage",
    "Azure NetApp Files",
    "Backup",
    "Site Recovery",
    "Bandwidth",
    "Virtual Network",
    "Networking",
    "Load Balancer",
    "VPN Gateway",
    "ExpressRoute",
    "Application Gateway",
    "Azure Firewall",
    "Azure Bastion",
    "Azure DNS",
    "NAT Gateway",
    "Network Watcher",
    "Content Delivery Network",
  ].map(categoryKey),
);

export const serviceClassOf = (meterCategory: string): ServiceClass =>
  IAAS_CATEGORIES.has(categoryKey(meterCategory)) ? "iaas" : "saas";
