import { auditApi } from "./audit-api.ts";
import { azureCustomerApi } from "./azure-customer-api.ts";
import { billingAccountsApi } from "./billing-accounts-api.ts";
import { costCentersApi } from "./cost-centers-api.ts";
import type { HttpClient } from "./http-client.ts";
import { invitationsApi } from "./invitations-api.ts";
import { mailboxApi } from "./mailbox-api.ts";
import { meApi } from "./me-api.ts";
import { migrationApi } from "./migration-api.ts";
import { onboardingRunsApi } from "./onboarding-runs-api.ts";
import { organizationsApi } from "./organizations-api.ts";
import { providersApi } from "./providers-api.ts";
import { sessionApi } from "./session-api.ts";
import { technicalTasksApi } from "./technical-tasks-api.ts";
import { termsApi } from "./terms-api.ts";
import { usersApi } from "./users-api.ts";
import { workspacesApi } from "./workspaces-api.ts";

/** The typed API of Partner Cloud v1, grouped by resource. */
export function createApiClient(http: HttpClient) {
  return {
    http,
    session: sessionApi(http),
    me: meApi(http),
    organizations: organizationsApi(http),
    costCenters: costCentersApi(http),
    workspaces: workspacesApi(http),
    users: usersApi(http),
    invitations: invitationsApi(http),
    audit: auditApi(http),
    mailbox: mailboxApi(http),
    billingAccounts: billingAccountsApi(http),
    terms: termsApi(http),
    providers: providersApi(http),
    azureCustomer: azureCustomerApi(http),
    onboardingRuns: onboardingRunsApi(http),
    migration: migrationApi(http),
    technicalTasks: technicalTasksApi(http),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
