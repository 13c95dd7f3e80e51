/** How the catalog groups services, as the console shows them. */
export const serviceCategories = [
  "Compute",
  "Networking",
  "Storage",
  "Backup",
  "Monitoring",
  "Databases",
  "Web",
  "Containers",
  "AI",
  "Analytics",
  "Integration",
  "Identity",
  "Security",
  "Management",
] as const;

export type ServiceCategory = (typeof serviceCategories)[number];

export type CatalogService = {
  /** Kebab-case and persisted in presets: never rename or remove one, add a new one instead. */
  readonly id: string;
  readonly label: string;
  readonly category: ServiceCategory;
  /** The ARM resource types (`Namespace/type`, child types as `Namespace/type/child`) the service creates. */
  readonly resourceTypes: readonly string[];
  /**
   * A service every subscription needs to work at all: every preset allows it, whether it lists it or not.
   * Resource groups are not here: "Allowed resource types" is an Indexed policy, which Azure never evaluates on
   * resource groups or subscriptions, so creating a resource group stays allowed under every preset.
   */
  readonly required?: true;
};

/**
 * The Azure services the partner may allow, with the resource types each one covers. Names follow Azure Resource
 * Manager's resource providers (learn.microsoft.com "Resource providers for Azure services").
 */
export const serviceCatalog: readonly CatalogService[] = [
  {
    id: "resource-manager",
    label: "Resource Manager deployments",
    category: "Management",
    resourceTypes: ["Microsoft.Resources/deployments"],
    required: true,
  },
  {
    id: "virtual-machines",
    label: "Virtual Machines",
    category: "Compute",
    resourceTypes: [
      "Microsoft.Compute/virtualMachines",
      "Microsoft.Compute/virtualMachines/extensions",
      "Microsoft.Compute/disks",
      "Microsoft.Compute/snapshots",
      "Microsoft.Compute/images",
      "Microsoft.Compute/availabilitySets",
      "Microsoft.Compute/proximityPlacementGroups",
      "Microsoft.Compute/sshPublicKeys",
      "Microsoft.Compute/diskEncryptionSets",
      "Microsoft.Compute/restorePointCollections",
    ],
  },
  {
    id: "virtual-machine-scale-sets",
    label: "Virtual Machine Scale Sets",
    category: "Compute",
    resourceTypes: ["Microsoft.Compute/virtualMachineScaleSets"],
  },
  {
    id: "compute-gallery",
    label: "Azure Compute Gallery",
    category: "Compute",
    resourceTypes: [
      "Microsoft.Compute/galleries",
      "Microsoft.Compute/galleries/images",
      "Microsoft.Compute/galleries/images/versions",
    ],
  },
  {
    id: "dedicated-hosts",
    label: "Azure Dedicated Host",
    category: "Compute",
    resourceTypes: ["Microsoft.Compute/hostGroups", "Microsoft.Compute/hostGroups/hosts"],
  },
  {
    id: "batch",
    label: "Azure Batch",
    category: "Compute",
    resourceTypes: ["Microsoft.Batch/batchAccounts"],
  },
  {
    id: "virtual-desktop",
    label: "Azure Virtual Desktop",
    category: "Compute",
    resourceTypes: [
      "Microsoft.DesktopVirtualization/hostPools",
      "Microsoft.DesktopVirtualization/applicationGroups",
      "Microsoft.DesktopVirtualization/workspaces",
    ],
  },
  {
    id: "virtual-network",
    label: "Virtual Network",
    category: "Networking",
    resourceTypes: [
      "Microsoft.Network/virtualNetworks",
      "Microsoft.Network/networkInterfaces",
      "Microsoft.Network/networkSecurityGroups",
      "Microsoft.Network/applicationSecurityGroups",
      "Microsoft.Network/publicIPAddresses",
      "Microsoft.Network/publicIPPrefixes",
      "Microsoft.Network/routeTables",
      "Microsoft.Network/natGateways",
      "Microsoft.Network/networkWatchers",
      "Microsoft.Network/privateEndpoints",
      "Microsoft.Network/privateDnsZones",
      "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    ],
  },
  {
    id: "load-balancer",
    label: "Load Balancer",
    category: "Networking",
    resourceTypes: ["Microsoft.Network/loadBalancers"],
  },
  {
    id: "application-gateway",
    label: "Application Gateway",
    category: "Networking",
    resourceTypes: [
      "Microsoft.Network/applicationGateways",
      "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
    ],
  },
  {
    id: "vpn-gateway",
    label: "VPN Gateway",
    category: "Networking",
    resourceTypes: [
      "Microsoft.Network/virtualNetworkGateways",
      "Microsoft.Network/localNetworkGateways",
      "Microsoft.Network/connections",
    ],
  },
  {
    id: "expressroute",
    label: "ExpressRoute",
    category: "Networking",
    resourceTypes: ["Microsoft.Network/expressRouteCircuits", "Microsoft.Network/expressRouteGateways"],
  },
  {
    id: "dns",
    label: "Azure DNS",
    category: "Networking",
    resourceTypes: ["Microsoft.Network/dnsZones"],
  },
  {
    id: "traffic-manager",
    label: "Traffic Manager",
    category: "Networking",
    resourceTypes: ["Microsoft.Network/trafficManagerProfiles"],
  },
  {
    id: "bastion",
    label: "Azure Bastion",
    category: "Networking",
    resourceTypes: ["Microsoft.Network/bastionHosts"],
  },
  {
    id: "firewall",
    label: "Azure Firewall",
    category: "Networking",
    resourceTypes: ["Microsoft.Network/azureFirewalls", "Microsoft.Network/firewallPolicies"],
  },
  {
    id: "ddos-protection",
    label: "Azure DDoS Protection",
    category: "Networking",
    resourceTypes: ["Microsoft.Network/ddosProtectionPlans"],
  },
  {
    id: "front-door-cdn",
    label: "Azure Front Door and CDN",
    category: "Networking",
    resourceTypes: ["Microsoft.Cdn/profiles", "Microsoft.Cdn/profiles/endpoints"],
  },
  {
    id: "storage-accounts",
    label: "Storage accounts (Blob, Files, Queues, Tables)",
    category: "Storage",
    resourceTypes: ["Microsoft.Storage/storageAccounts"],
  },
  {
    id: "netapp-files",
    label: "Azure NetApp Files",
    category: "Storage",
    resourceTypes: [
      "Microsoft.NetApp/netAppAccounts",
      "Microsoft.NetApp/netAppAccounts/capacityPools",
      "Microsoft.NetApp/netAppAccounts/capacityPools/volumes",
    ],
  },
  {
    id: "backup",
    label: "Azure Backup and Site Recovery",
    category: "Backup",
    resourceTypes: ["Microsoft.RecoveryServices/vaults", "Microsoft.DataProtection/backupVaults"],
  },
  {
    id: "monitor",
    label: "Azure Monitor alerts and autoscale",
    category: "Monitoring",
    resourceTypes: [
      "Microsoft.Insights/actionGroups",
      "Microsoft.Insights/activityLogAlerts",
      "Microsoft.Insights/metricAlerts",
      "Microsoft.Insights/scheduledQueryRules",
      "Microsoft.Insights/autoscaleSettings",
      "Microsoft.Insights/dataCollectionRules",
      "Microsoft.AlertsManagement/actionRules",
    ],
  },
  {
    id: "log-analytics",
    label: "Log Analytics",
    category: "Monitoring",
    resourceTypes: ["Microsoft.OperationalInsights/workspaces", "Microsoft.OperationsManagement/solutions"],
  },
  {
    id: "application-insights",
    label: "Application Insights",
    category: "Monitoring",
    resourceTypes: ["Microsoft.Insights/components", "Microsoft.Insights/webtests"],
  },
  {
    id: "sql-database",
    label: "Azure SQL Database",
    category: "Databases",
    resourceTypes: [
      "Microsoft.Sql/servers",
      "Microsoft.Sql/servers/databases",
      "Microsoft.Sql/servers/elasticPools",
    ],
  },
  {
    id: "sql-managed-instance",
    label: "Azure SQL Managed Instance",
    category: "Databases",
    resourceTypes: ["Microsoft.Sql/managedInstances", "Microsoft.Sql/managedInstances/databases"],
  },
  {
    id: "cosmos-db",
    label: "Azure Cosmos DB",
    category: "Databases",
    resourceTypes: ["Microsoft.DocumentDB/databaseAccounts"],
  },
  {
    id: "postgresql",
    label: "Azure Database for PostgreSQL",
    category: "Databases",
    resourceTypes: ["Microsoft.DBforPostgreSQL/flexibleServers"],
  },
  {
    id: "mysql",
    label: "Azure Database for MySQL",
    category: "Databases",
    resourceTypes: ["Microsoft.DBforMySQL/flexibleServers"],
  },
  {
    id: "redis-cache",
    label: "Azure Cache for Redis",
    category: "Databases",
    resourceTypes: ["Microsoft.Cache/redis"],
  },
  {
    id: "app-service",
    label: "App Service (Web Apps)",
    category: "Web",
    resourceTypes: [
      "Microsoft.Web/sites",
      "Microsoft.Web/sites/slots",
      "Microsoft.Web/serverfarms",
      "Microsoft.Web/certificates",
    ],
  },
  {
    id: "functions",
    label: "Azure Functions",
    category: "Web",
    resourceTypes: ["Microsoft.Web/sites", "Microsoft.Web/serverfarms"],
  },
  {
    id: "static-web-apps",
    label: "Static Web Apps",
    category: "Web",
    resourceTypes: ["Microsoft.Web/staticSites"],
  },
  {
    id: "api-management",
    label: "API Management",
    category: "Integration",
    resourceTypes: ["Microsoft.ApiManagement/service"],
  },
  {
    id: "kubernetes-service",
    label: "Azure Kubernetes Service",
    category: "Containers",
    resourceTypes: ["Microsoft.ContainerService/managedClusters"],
  },
  {
    id: "container-registry",
    label: "Container Registry",
    category: "Containers",
    resourceTypes: ["Microsoft.ContainerRegistry/registries"],
  },
  {
    id: "container-instances",
    label: "Container Instances",
    category: "Containers",
    resourceTypes: ["Microsoft.ContainerInstance/containerGroups"],
  },
  {
    id: "container-apps",
    label: "Container Apps",
    category: "Containers",
    resourceTypes: ["Microsoft.App/containerApps", "Microsoft.App/managedEnvironments"],
  },
  {
    id: "ai-services",
    label: "Azure AI services and Azure OpenAI",
    category: "AI",
    resourceTypes: ["Microsoft.CognitiveServices/accounts"],
  },
  {
    id: "machine-learning",
    label: "Azure Machine Learning",
    category: "AI",
    resourceTypes: ["Microsoft.MachineLearningServices/workspaces"],
  },
  {
    id: "ai-search",
    label: "Azure AI Search",
    category: "AI",
    resourceTypes: ["Microsoft.Search/searchServices"],
  },
  {
    id: "data-factory",
    label: "Data Factory",
    category: "Analytics",
    resourceTypes: ["Microsoft.DataFactory/factories"],
  },
  {
    id: "synapse-analytics",
    label: "Azure Synapse Analytics",
    category: "Analytics",
    resourceTypes: ["Microsoft.Synapse/workspaces"],
  },
  {
    id: "databricks",
    label: "Azure Databricks",
    category: "Analytics",
    resourceTypes: ["Microsoft.Databricks/workspaces"],
  },
  {
    id: "stream-analytics",
    label: "Stream Analytics",
    category: "Analytics",
    resourceTypes: ["Microsoft.StreamAnalytics/streamingjobs"],
  },
  {
    id: "event-hubs",
    label: "Event Hubs",
    category: "Integration",
    resourceTypes: ["Microsoft.EventHub/namespaces"],
  },
  {
    id: "service-bus",
    label: "Service Bus",
    category: "Integration",
    resourceTypes: ["Microsoft.ServiceBus/namespaces"],
  },
  {
    id: "event-grid",
    label: "Event Grid",
    category: "Integration",
    resourceTypes: [
      "Microsoft.EventGrid/topics",
      "Microsoft.EventGrid/systemTopics",
      "Microsoft.EventGrid/domains",
    ],
  },
  {
    id: "logic-apps",
    label: "Logic Apps",
    category: "Integration",
    resourceTypes: ["Microsoft.Logic/workflows", "Microsoft.Web/connections"],
  },
  {
    id: "managed-identities",
    label: "Managed identities",
    category: "Identity",
    resourceTypes: ["Microsoft.ManagedIdentity/userAssignedIdentities"],
  },
  {
    id: "key-vault",
    label: "Key Vault",
    category: "Security",
    resourceTypes: ["Microsoft.KeyVault/vaults", "Microsoft.KeyVault/managedHSMs"],
  },
  {
    id: "automation",
    label: "Azure Automation",
    category: "Management",
    resourceTypes: ["Microsoft.Automation/automationAccounts"],
  },
];

/**
 * The IaaS services (compute, networking, storage, backup, monitoring): what Partner Cloud supported first
 * (virtual machines, storage, network and resource groups, product inventory §4).
 */
export const iaasServiceIds: readonly string[] = [
  "virtual-machines",
  "virtual-machine-scale-sets",
  "compute-gallery",
  "dedicated-hosts",
  "virtual-network",
  "load-balancer",
  "application-gateway",
  "vpn-gateway",
  "expressroute",
  "dns",
  "traffic-manager",
  "bastion",
  "firewall",
  "ddos-protection",
  "storage-accounts",
  "backup",
  "monitor",
  "log-analytics",
];

const byId = new Map(serviceCatalog.map((s) => [s.id, s]));

export const catalogService = (id: string): CatalogService | undefined => byId.get(id);

/** The ids among `ids` that name no service of the catalog. */
export const unknownServiceIds = (ids: readonly string[]): string[] => ids.filter((id) => !byId.has(id));

/**
 * The resource types the given services cover, with the required services always included: sorted, each type
 * once (ARM compares resource types without regard to case: the first spelling is kept, the order ignores case).
 */
export function resourceTypesOf(serviceIds: readonly string[]): string[] {
  const wanted = new Set(serviceIds);
  const seen = new Map<string, string>();
  for (const service of serviceCatalog) {
    if (!service.required && !wanted.has(service.id)) continue;
    for (const type of service.resourceTypes)
      if (!seen.has(type.toLowerCase())) seen.set(type.toLowerCase(), type);
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, type]) => type);
}
