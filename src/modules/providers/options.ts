/** The options of the Microsoft Azure provider. Persisted: never rename one. */
export const azureOptionIds = ["existing-account", "migrate-tenant", "new-customer"] as const;
export type AzureOption = (typeof azureOptionIds)[number];

export type AzureOptionInfo = {
  readonly option: AzureOption;
  readonly label: string;
  readonly explanation: string;
  /** Optimized options bill through the partner and are offered to organization and cost-center administrators. */
  readonly optimized: boolean;
};

/** Labels and explanations as the provider wizard shows them (product inventory §2.1–2.4). */
export const azureOptions: readonly AzureOptionInfo[] = [
  {
    option: "existing-account",
    label: "Use an existing Microsoft Azure customer account",
    explanation:
      "Connect a subscription you already have, with an app registration of your directory (tenant, subscription id, " +
      "application (client) id and client secret). Partner Cloud checks them before saving. You keep paying Microsoft; " +
      "the partner does not bill or support this subscription.",
    optimized: false,
  },
  {
    option: "migrate-tenant",
    label: "Migrate my account to the partner for consolidated billing and platform support",
    explanation:
      "Your existing directory moves under the partner: your Azure administrator receives an e-mail to authorize the " +
      "partner, then subscriptions may move to the partner's Azure plan. Azure usage is then billed on your partner-cloud " +
      "account and the partner is your first contact for support. Needs a connected, eligible billing account and the " +
      "accepted terms.",
    optimized: true,
  },
  {
    option: "new-customer",
    label:
      "Create a new Azure customer account and subscription, or a new subscription for an existing account",
    explanation:
      "Partner Cloud creates the Azure customer (once per organization) and a subscription named after the provider, " +
      "grants itself the permissions it needs and applies the allowed services. Usage is billed on your partner-cloud " +
      "account. Takes at least two minutes; you can watch each step. Needs a connected, eligible billing account and " +
      "the accepted terms.",
    optimized: true,
  },
];
