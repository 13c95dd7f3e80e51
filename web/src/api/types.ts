/** The wire types of the Partner Cloud REST API v1, as the console sees them. */

export type OrgRole = "admin" | "member";
export type WorkspaceRole = "visitor" | "user" | "author" | "admin";
export type WorkspaceKind = "personal" | "team";

export type Page<T> = { items: T[]; nextCursor: string | null };

export type User = {
  id: string;
  email: string;
  name: string;
  orgId: string | null;
  orgRole: OrgRole | null;
  isOperator: boolean;
  status: "active" | "disabled";
  createdAt: string;
};

export type Session = { user: User; csrfToken: string; expiresAt: string; idleExpiresAt: string };

export type SetupStatus = { needsSetup: boolean; partnerName: string | null };

export type Organization = {
  id: string;
  name: string;
  createdAt: string;
  costCenterCount: number;
  workspaceCount: number;
  userCount: number;
};

export type CostCenterAdmin = { userId: string; name: string; email: string };

export type CostCenter = {
  id: string;
  orgId: string;
  name: string;
  isDefault: boolean;
  createdAt: string;
  admins: CostCenterAdmin[];
};

export type Workspace = {
  id: string;
  orgId: string;
  costCenterId: string;
  name: string;
  kind: WorkspaceKind;
  icon: string | null;
  ownerUserId: string | null;
  createdAt: string;
  myRole: WorkspaceRole | null;
};

export type Member = { userId: string; name: string; email: string; role: WorkspaceRole };

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export type Invitation = {
  id: string;
  orgId: string;
  email: string;
  orgRole: OrgRole;
  workspaceId: string | null;
  workspaceRole: WorkspaceRole | null;
  status: InvitationStatus;
  expiresAt: string;
  createdAt: string;
  invitedBy: string;
};

export type InvitationPreview = { organizationName: string; email: string; expiresAt: string };

export type TokenScope = "read" | "write";

export type ApiToken = {
  id: string;
  name: string;
  scope: TokenScope;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

export type CreatedToken = { token: ApiToken; secret: string };

export type AuditEvent = {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  actorKind: "user" | "token" | "system";
  orgId: string | null;
  costCenterId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
};

export type ContextOrganization = { id: string; name: string; role: "admin" | "member" | "operator" };
export type ContextCostCenter = { id: string; orgId: string; name: string };
export type ContextWorkspace = {
  id: string;
  orgId: string;
  costCenterId: string;
  name: string;
  kind: WorkspaceKind;
  role: WorkspaceRole;
};

export type Contexts = {
  organizations: ContextOrganization[];
  costCenters: ContextCostCenter[];
  workspaces: ContextWorkspace[];
  favorites: string[];
};

export type CapturedMail = { id: string; to: string[]; subject: string; text: string; receivedAt: string };

export type SupportHint = {
  kind: "support_request";
  topic: string;
  subject: string;
  summary: string;
  accountAlias: string;
  reason: string;
};

export type IneligibilityReason = {
  code: "ineligible_country" | "ineligible_reseller" | "ineligible_not_billable" | "ineligible_inactive";
  message: string;
  wayForward: string;
  support: SupportHint;
};

export type Eligibility = { eligible: boolean; reasons: IneligibilityReason[] };

export type BillingAccountFacts = {
  alias: string;
  name: string;
  country: string;
  status: "active" | "disabled";
  demo: boolean;
  internal: boolean;
  reseller: boolean;
  parentAlias: string | null;
  parentReseller: boolean;
};

export type BillingAccount = BillingAccountFacts & {
  id: string;
  orgId: string;
  costCenterId: string | null;
  connectedAs: string;
  connectedBy: string;
  connectedAt: string;
  factsReadAt: string;
  eligibility: Eligibility;
};

export type DiscoveredAccount = BillingAccountFacts & {
  eligibility: Eligibility;
  connection: "none" | "this_organization" | "another_organization";
};

export type Discovery = {
  ticket: string;
  ticketExpiresAt: string;
  partnerCloudUser: string;
  accounts: DiscoveredAccount[];
};

export type EligibilityCheck = Eligibility & {
  billingAccountId: string;
  accountAlias: string;
  source: "live" | "stored";
  factsReadAt: string;
  liveFailure: { code: string; message: string } | null;
};

export type TermsDocument = {
  kind: "partner_terms" | "customer_agreement";
  version: number;
  title: string;
  body: string;
  url: string | null;
  publishedAt: string;
};

export type CurrentTerms = {
  partnerDisplayName: string | null;
  partnerTerms: TermsDocument;
  customerAgreement: TermsDocument;
};

export type TermsContact = { firstName: string; lastName: string; email: string; phoneNumber: string | null };

export type TermsAcceptance = {
  id: string;
  billingAccountId: string;
  partnerTermsVersion: number;
  customerAgreementVersion: number;
  acceptedBy: string;
  acceptedAt: string;
  clientAddress: string;
  userAgent: string;
  contact: TermsContact;
};

export type AzureOption = "existing-account" | "migrate-tenant" | "new-customer";

export type ProviderOption = { option: AzureOption; label: string; explanation: string; optimized: boolean };

export type ProviderState = "initializing" | "processing" | "ready" | "deleting" | "unavailable" | "failed";

export type Provider = {
  id: string;
  orgId: string;
  costCenterId: string;
  workspaceId: string;
  name: string;
  kind: "microsoft-azure";
  option: AzureOption;
  state: ProviderState;
  failureReason: string | null;
  billingAccountId: string | null;
  onboardingRunId: string | null;
  azure: {
    tenant: string | null;
    tenantId: string | null;
    subscriptionId: string | null;
    subscriptionName: string | null;
    clientId: string | null;
    clientSecret: string | null;
  };
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  lastSyncedAt: string | null;
};

export type ProviderEvent = {
  seq: number;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  event: string;
  fromState: string | null;
  toState: string | null;
  message: string;
};

export type ShutdownRequest = {
  id: string;
  providerId: string;
  reason: string;
  status: "open";
  createdAt: string;
};

export type OnboardingStepStatus = "done" | "skipped" | "current" | "pending" | "undone";

export type OnboardingRunState =
  "queued" | "running" | "compensating" | "succeeded" | "failed" | "stuck" | "cancelled";

export type MigrationPhase =
  | "requested"
  | "invitation_sent"
  | "accepted"
  | "subscriptions_transferring"
  | "blocked_by_existing_partner"
  | "ready"
  | "expired"
  | "declined"
  | "failed"
  | "cancelled";

/** Who must do something for a migration to move on. */
export type MigrationActor =
  "customer_admin" | "requester" | "technical_account_manager" | "partner_cloud" | "operator";

/** The partner's reseller invitation to the tenant's administrator, as mailed and followed up. */
export type MigrationInvitation = {
  to: string;
  firstSentAt: string;
  lastSentAt: string;
  sends: number;
  remindersSent: number;
  nextReminderAt: string | null;
  expiresAt: string;
  declinedAt: string | null;
  declineReason: string | null;
  acceptedAt: string | null;
  resellerLink: string;
  gdapApprovalUrl: string | null;
  /** True when the requester may send it again (not accepted; also after expiry or decline: that re-opens it). */
  canResend: boolean;
};

export type MigrationGdap = {
  relationshipId: string;
  displayName: string;
  status: string;
  roleNames: string[];
  duration: string;
};

export type SubscriptionOffer = "AzurePlan" | "PayAsYouGo" | "EnterpriseAgreement" | "MSDN" | "Other";

export type MigrationSubscription = {
  subscriptionId: string;
  displayName: string;
  offer: SubscriptionOffer;
  disposition: "under_management" | "transfer" | "move" | "other_partner";
  /** `left_out`: the organization kept it out of the migration; it stays as it is. */
  state: "waiting" | "blocked" | "under_management" | "left_out";
  /** What happens to it, in a sentence for the customer. */
  note: string;
  targetSubscriptionId: string | null;
  taskId: string | null;
};

export type TechnicalTaskKind = "transfer_subscription" | "move_resources";
export type TechnicalTaskState = "open" | "done" | "cancelled";

/** Work the partner's technical account manager does by hand for a migration (a transfer, a resource move). */
export type TechnicalTask = {
  id: string;
  orgId: string;
  providerId: string;
  runId: string;
  subscriptionId: string;
  subscriptionName: string;
  kind: TechnicalTaskKind;
  title: string;
  instructions: string;
  state: TechnicalTaskState;
  completedBy: string | null;
  completedAt: string | null;
  note: string | null;
  targetSubscriptionId: string | null;
  createdAt: string;
};

/** A task as operators list them; the names of its provider and organization, when the server adds them. */
export type TechnicalTaskItem = TechnicalTask & { providerName?: string; orgName?: string };

/** Where the migration of an existing tenant stands, for the provider page. */
export type MigrationView = {
  phase: MigrationPhase;
  /** Who must do something now. */
  whoMustAct: MigrationActor | null;
  /** A sentence: what the platform is waiting for, or why it stopped. */
  summary: string;
  primaryDomain: string;
  adminEmail: string;
  invitation: MigrationInvitation | null;
  gdap: MigrationGdap | null;
  subscriptions: MigrationSubscription[];
  tasks: TechnicalTask[];
};

/** The invitation as its recipient sees it, without signing in. */
export type PublicMigrationInvitation = {
  partnerName: string;
  organizationName: string;
  primaryDomain: string;
  to: string;
  state: "open" | "accepted" | "declined" | "expired";
  expiresAt: string;
};

export type OnboardingProgress = {
  runId: string;
  workflow: string;
  state: OnboardingRunState;
  stepNumber: number;
  stepCount: number;
  currentStep: string | null;
  waitingFor: string | null;
  reason: string | null;
  lastError: string | null;
  errorCode: string | null;
  updatedAt: string;
  steps: {
    id: string;
    label: string;
    status: OnboardingStepStatus;
    attempts: number;
    completedAt: string | null;
  }[];
  /** The tenant migration's own view, for a migrate-tenant run; null for other workflows. */
  migration: MigrationView | null;
};

/** A workflow run as operators list it; `subject` names what it onboards (`type`, `id`, `orgId`). */
export type OnboardingRun = {
  id: string;
  workflow: string;
  version: number;
  key: string;
  subject: Record<string, string>;
  state: OnboardingRunState;
  stepId: string | null;
  stepNumber: number;
  stepCount: number;
  attempt: number;
  waitingFor: string | null;
  reason: string | null;
  lastError: string | null;
  errorCode: string | null;
  cancelReason: string | null;
  nextAt: string | null;
  stepDeadlineAt: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
};

export type OnboardingRunDetail = OnboardingProgress & { run: OnboardingRun };

export type AzureCustomer = {
  id: string;
  orgId: string;
  state: "creating" | "active";
  tenantId: string | null;
  domain: string | null;
  companyName: string;
  billingAccountId: string;
  /** The user whose first subscription created the customer: the only one who may see its credentials. */
  createdBy: string;
  createdAt: string;
  /** Whether the Azure administrator's credentials can still be shown (once, to `createdBy`). */
  credentials: "available" | "shown" | "unavailable" | null;
  credentialsShownAt: string | null;
};

export type AzureCredentials = { userName: string; password: string };

export type AllowedServicesPreset = {
  id: string;
  label: string;
  description: string | null;
  isDefault: boolean;
};
