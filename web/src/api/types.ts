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
