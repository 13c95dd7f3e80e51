import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";

/**
 * The partner's settings for billing accounts: at most one row (`singleton`); without it the defaults apply
 * (billing countries US, GB, CA; no display name, so terms speak of "the partner").
 */
export const billingAccountSettings = pgTable("billing_account_settings", {
  singleton: boolean("singleton").primaryKey().default(true),
  /** ISO 3166-1 alpha-2 codes, upper case. */
  supportedCountries: text("supported_countries").array().notNull(),
  termsDisplayName: text("terms_display_name"),
  updatedAt: ts("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

/** The facts of a partner-cloud account as discovered: what eligibility looks at. */
export type AccountFacts = {
  alias: string;
  name: string;
  country: string;
  status: "active" | "disabled";
  demo: boolean;
  internal: boolean;
  reseller: boolean;
  parentAlias: string | null;
  /** Whether an account above this one is flagged reseller (its customers are a reseller's customers). */
  parentReseller: boolean;
};

/**
 * A partner-cloud account connected to an organization (costCenterId null) or to one of its cost centers. A
 * disconnected account keeps its row (terms acceptances point at it); an alias is connected at most once at a
 * time across all organizations. `session` is the partner-cloud session of whoever connected it, encrypted by the
 * secret box, for live re-reads until it expires; the password that produced it was never stored.
 */
export const billingAccounts = pgTable(
  "billing_accounts",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    costCenterId: text("cost_center_id"),
    alias: text("alias").notNull(),
    name: text("name").notNull(),
    country: text("country").notNull(),
    status: text("status", { enum: ["active", "disabled"] }).notNull(),
    demo: boolean("demo").notNull(),
    internal: boolean("internal").notNull(),
    reseller: boolean("reseller").notNull(),
    parentAlias: text("parent_alias"),
    parentReseller: boolean("parent_reseller").notNull(),
    connectedAs: text("connected_as").notNull(),
    connectedBy: text("connected_by").notNull(),
    connectedAt: ts("connected_at").notNull(),
    factsReadAt: ts("facts_read_at").notNull(),
    session: text("session"),
    sessionExpiresAt: ts("session_expires_at"),
    disconnectedAt: ts("disconnected_at"),
    disconnectedBy: text("disconnected_by"),
  },
  (t) => [
    uniqueIndex("billing_accounts_connected_alias_key")
      .on(t.alias)
      .where(sql`disconnected_at IS NULL`),
    index("billing_accounts_org_idx").on(t.orgId, t.id),
  ],
);

/**
 * The short-lived link between the two calls of "connect a partner cloud account". Only the SHA-256 of the ticket
 * is kept; the partner-cloud session is encrypted and erased when the ticket is used.
 */
export const billingAccountTickets = pgTable(
  "billing_account_tickets",
  {
    ticketHash: text("ticket_hash").primaryKey(),
    orgId: text("org_id").notNull(),
    issuedTo: text("issued_to").notNull(),
    session: text("session"),
    accounts: jsonb("accounts").$type<AccountFacts[]>().notNull(),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
  },
  (t) => [index("billing_account_tickets_expiry_idx").on(t.expiresAt)],
);

/** Versioned documents a customer accepts: the partner's terms and Microsoft's Customer Agreement. */
export const termsDocuments = pgTable(
  "terms_documents",
  {
    kind: text("kind", { enum: ["partner_terms", "customer_agreement"] }).notNull(),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    url: text("url"),
    publishedAt: ts("published_at").notNull(),
    publishedBy: text("published_by"),
  },
  (t) => [primaryKey({ columns: [t.kind, t.version] })],
);

/** Who accepted which versions for a billing account, when and from where, with the customer's contact. */
export const termsAcceptances = pgTable(
  "terms_acceptances",
  {
    id: text("id").primaryKey(),
    billingAccountId: text("billing_account_id")
      .notNull()
      .references(() => billingAccounts.id),
    orgId: text("org_id").notNull(),
    partnerTermsVersion: integer("partner_terms_version").notNull(),
    customerAgreementVersion: integer("customer_agreement_version").notNull(),
    acceptedBy: text("accepted_by").notNull(),
    acceptedAt: ts("accepted_at").notNull(),
    clientAddress: text("client_address").notNull(),
    userAgent: text("user_agent").notNull(),
    contactFirstName: text("contact_first_name").notNull(),
    contactLastName: text("contact_last_name").notNull(),
    contactEmail: text("contact_email").notNull(),
    contactPhone: text("contact_phone"),
  },
  (t) => [index("terms_acceptances_account_idx").on(t.billingAccountId, t.id)],
);
