import type { ProvidersDeps } from "./deps.ts";
import { createProviderService } from "./providers.ts";
import { createShutdownRequests } from "./shutdown-requests.ts";

/** Providers of workspaces (Microsoft Azure, three options), their states, log, sharing and shutdown requests. */
export function createProviders(deps: ProvidersDeps) {
  const service = createProviderService(deps);
  const { reachForShutdown, ...providers } = service;
  return { ...providers, shutdownRequests: createShutdownRequests(deps, { reachForShutdown }) };
}

export type Providers = ReturnType<typeof createProviders>;
export type { ProvidersDeps, WorkspaceLookup } from "./deps.ts";
export type { ProviderError } from "./errors.ts";
export type { BilledProvider, Provider, ProviderEvent, ProviderState, NewProvider } from "./providers.ts";
export { DELETION_NOTICE, MASKED_SECRET } from "./providers.ts";
export type { ShutdownRequest } from "./shutdown-requests.ts";
export type { CustomerAzure } from "./existing-account.ts";
export { ExistingAccountCredentials } from "./existing-account.ts";
export { azureOptions, azureOptionIds, type AzureOption, type AzureOptionInfo } from "./options.ts";
export { providerAccess, type ProviderAccess, type ProviderScope } from "./sharing.ts";
export { canMove, providerStates } from "./states.ts";
