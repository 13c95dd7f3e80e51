import type { ReactNode } from "react";
import { matchPath } from "../routing/match-path.ts";
import { usePathname } from "../routing/navigation.ts";
import { Redirect } from "../routing/redirect.tsx";
import { useScope } from "../scope/scope-context.ts";
import { ApiTokensPage } from "../screens/tokens/api-tokens-page.tsx";
import { AuditLogPage } from "../screens/audit/audit-log-page.tsx";
import { BillingAccountsPage } from "../screens/billing-accounts/billing-accounts-page.tsx";
import { TermsPage } from "../screens/billing-accounts/terms-page.tsx";
import { InvoicePage } from "../screens/billing/invoice-page.tsx";
import { InvoicesPage } from "../screens/billing/invoices-page.tsx";
import { PricePlanPage } from "../screens/billing/price-plan-page.tsx";
import { BillingPolicyPage } from "../screens/billing/billing-policy-page.tsx";
import { ExchangeRatesPage } from "../screens/billing/exchange-rates-page.tsx";
import { UnassignedUsagePage } from "../screens/billing/unassigned-usage-page.tsx";
import { UsageDataPage } from "../screens/billing/usage-data-page.tsx";
import { UsageImportPage } from "../screens/billing/usage-import-page.tsx";
import { CostCentersPage } from "../screens/cost-centers/cost-centers-page.tsx";
import { MailboxPage } from "../screens/mailbox/mailbox-page.tsx";
import { MicrosoftConnectionPage } from "../screens/microsoft-connection/microsoft-connection-page.tsx";
import { OnboardingRunPage } from "../screens/onboarding-runs/onboarding-run-page.tsx";
import { OnboardingRunsPage } from "../screens/onboarding-runs/onboarding-runs-page.tsx";
import { OrganizationsPage } from "../screens/organizations/organizations-page.tsx";
import { OverviewPage } from "../screens/overview/overview-page.tsx";
import { NewProviderPage } from "../screens/providers/new-provider-page.tsx";
import { ProviderPage } from "../screens/providers/provider-page.tsx";
import { TechnicalTasksPage } from "../screens/technical-tasks/technical-tasks-page.tsx";
import { UsersPage } from "../screens/users/users-page.tsx";
import { WorkspaceDetailPage } from "../screens/workspaces/workspace-detail-page.tsx";
import { WorkspacesPage } from "../screens/workspaces/workspaces-page.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { Link } from "../routing/link.tsx";

function NoOrganization() {
  const { permissions } = useScope();
  return (
    <EmptyState title="No organization chosen">
      {permissions.isOperator ? (
        <p>
          Create an organization under <Link to="/organizations">Organizations</Link>, then pick it in the
          context switcher at the top.
        </p>
      ) : (
        <p>You are not part of an organization yet. Ask your administrator for an invitation.</p>
      )}
    </EmptyState>
  );
}

function NotAllowed() {
  return (
    <EmptyState title="This page is not available to you">
      <p>
        Your role in this scope does not include it. Pick another scope in the context switcher, or ask an
        organization administrator.
      </p>
    </EmptyState>
  );
}

/** The pages of the signed-in console, by URL. */
export function PageRoutes() {
  const path = usePathname();
  const { orgId, permissions: p } = useScope();

  const guard = (allowed: boolean, page: () => ReactNode, needsOrg = true): ReactNode => {
    if (needsOrg && !orgId) return <NoOrganization />;
    return allowed ? page() : <NotAllowed />;
  };

  if (path === "/")
    return <Redirect to={orgId ? "/overview" : p.isOperator ? "/organizations" : "/tokens"} />;
  if (path === "/overview") return guard(true, () => <OverviewPage />);
  if (path === "/organizations") return guard(p.isOperator, () => <OrganizationsPage />, false);
  if (path === "/onboarding-runs") return guard(p.isOperator, () => <OnboardingRunsPage />, false);
  const run = matchPath("/onboarding-runs/:runId", path);
  if (run?.runId) {
    const id = run.runId;
    return guard(p.isOperator, () => <OnboardingRunPage key={id} runId={id} />, false);
  }
  if (path === "/technical-tasks") return guard(p.isOperator, () => <TechnicalTasksPage />, false);
  if (path === "/cost-centers") return guard(p.canSeeCostCenters, () => <CostCentersPage />);
  if (path === "/workspaces") return guard(true, () => <WorkspacesPage />);
  const newProvider = matchPath("/workspaces/:workspaceId/providers/new", path);
  if (newProvider?.workspaceId) {
    const id = newProvider.workspaceId;
    return guard(true, () => <NewProviderPage key={id} workspaceId={id} />, false);
  }
  const provider = matchPath("/workspaces/:workspaceId/providers/:providerId", path);
  if (provider?.workspaceId && provider.providerId) {
    const { workspaceId, providerId } = provider;
    return guard(
      true,
      () => <ProviderPage key={providerId} workspaceId={workspaceId} providerId={providerId} />,
      false,
    );
  }
  const workspace = matchPath("/workspaces/:id", path);
  if (workspace?.id) {
    const id = workspace.id;
    return guard(true, () => <WorkspaceDetailPage key={id} workspaceId={id} />, false);
  }
  if (path === "/billing-accounts") return guard(p.canManageBillingAccounts, () => <BillingAccountsPage />);
  const terms = matchPath("/billing-accounts/:id/terms", path);
  if (terms?.id) {
    const id = terms.id;
    return guard(p.canManageBillingAccounts, () => <TermsPage key={id} billingAccountId={id} />);
  }
  if (path === "/billing/invoices") return guard(p.canSeeInvoices, () => <InvoicesPage />);
  const invoice = matchPath("/billing/invoices/:invoiceId", path);
  if (invoice?.invoiceId) {
    const id = invoice.invoiceId;
    return guard(p.canSeeInvoices || p.isOperator, () => <InvoicePage key={id} invoiceId={id} />, false);
  }
  if (path === "/billing/price-plan") return guard(p.canManagePricePlans, () => <PricePlanPage />);
  if (path === "/billing/usage") return guard(p.isOperator, () => <UsageDataPage />, false);
  const usageImport = matchPath("/billing/usage/:importId", path);
  if (usageImport?.importId) {
    const id = usageImport.importId;
    return guard(p.isOperator, () => <UsageImportPage key={id} importId={id} />, false);
  }
  if (path === "/billing/unassigned-usage") return guard(p.isOperator, () => <UnassignedUsagePage />, false);
  if (path === "/billing/exchange-rates") return guard(p.isOperator, () => <ExchangeRatesPage />, false);
  if (path === "/billing/policy") return guard(p.isOperator, () => <BillingPolicyPage />, false);
  if (path === "/users") return guard(p.canListUsers, () => <UsersPage />);
  if (path === "/audit-log") return guard(p.canSeeAuditLog, () => <AuditLogPage />, false);
  if (path === "/mailbox") return guard(p.isOperator, () => <MailboxPage />, false);
  if (path === "/microsoft-connection") return guard(p.isOperator, () => <MicrosoftConnectionPage />, false);
  if (path === "/tokens") return <ApiTokensPage />;
  return (
    <EmptyState title="Page not found">
      <p>
        There is no page at {path}. Go to the <Link to="/">start page</Link>.
      </p>
    </EmptyState>
  );
}
