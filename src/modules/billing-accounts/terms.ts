import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { Caller } from "../tenancy/index.ts";
import { roleNeeded } from "./access.ts";
import type { BillingAccountService } from "./billing-accounts.ts";
import type { BillingAccountsDeps } from "./deps.ts";
import { billingAccountErrors, type BillingAccountError } from "./errors.ts";
import type { Settings } from "./settings.ts";
import { termsAcceptances, termsDocuments } from "./tables.ts";

export type TermsKind = "partner_terms" | "customer_agreement";

export type TermsDocument = {
  kind: TermsKind;
  version: number;
  title: string;
  body: string;
  url: string | null;
  publishedAt: Date;
};

export type CurrentTerms = {
  /** How the partner is named in its terms (the partner setting), or null for "the partner". */
  partnerDisplayName: string | null;
  partnerTerms: TermsDocument;
  customerAgreement: TermsDocument;
};

export type TermsAcceptance = {
  id: string;
  billingAccountId: string;
  partnerTermsVersion: number;
  customerAgreementVersion: number;
  acceptedBy: string;
  acceptedAt: Date;
  clientAddress: string;
  userAgent: string;
  contact: { firstName: string; lastName: string; email: string; phoneNumber: string | null };
};

export type AcceptanceInput = {
  partnerTermsVersion: number;
  customerAgreementVersion: number;
  contact: { firstName: string; lastName: string; email: string; phoneNumber?: string | undefined };
};

/**
 * Version 1 of each document: our own placeholder wording until the partner publishes its own. It is built in,
 * not stored, so a new installation has terms to accept without a seeding step and reading terms never writes;
 * the first published version is 2.
 */
const FIRST_PUBLISHED_AT = new Date("2026-12-01T00:00:00Z");

const FIRST_VERSIONS: Record<TermsKind, { title: string; body: string; url: string | null }> = {
  partner_terms: {
    title: "Partner terms",
    body:
      "These terms govern the Microsoft Azure services the partner provides and bills through your partner cloud " +
      "account. The partner resells Azure consumption at the prices of its price list, invoices it monthly with " +
      "the partner cloud, and supports you for the services it manages. You remain responsible for what you run " +
      "in your subscriptions. The partner publishes the full text of its terms; this placeholder stands in for it.",
    url: null,
  },
  customer_agreement: {
    title: "Microsoft Customer Agreement",
    body:
      "Microsoft requires every customer buying Azure through a partner to accept the Microsoft Customer " +
      "Agreement. Read it at https://aka.ms/customeragreement; by accepting, you confirm that the person named as " +
      "contact accepts it on the customer's behalf, and the partner attests that acceptance to Microsoft.",
    url: "https://aka.ms/customeragreement",
  },
};

const KIND_NAMES: Record<TermsKind, string> = {
  partner_terms: "the partner terms",
  customer_agreement: "the Microsoft Customer Agreement",
};

type AcceptanceRow = typeof termsAcceptances.$inferSelect;

const acceptanceView = (r: AcceptanceRow): TermsAcceptance => ({
  id: r.id,
  billingAccountId: r.billingAccountId,
  partnerTermsVersion: r.partnerTermsVersion,
  customerAgreementVersion: r.customerAgreementVersion,
  acceptedBy: r.acceptedBy,
  acceptedAt: r.acceptedAt,
  clientAddress: r.clientAddress,
  userAgent: r.userAgent,
  contact: {
    firstName: r.contactFirstName,
    lastName: r.contactLastName,
    email: r.contactEmail,
    phoneNumber: r.contactPhone,
  },
});

export function createTerms(deps: BillingAccountsDeps, settings: Settings, accounts: BillingAccountService) {
  const { db } = deps;

  async function latest(kind: TermsKind): Promise<TermsDocument> {
    const [row] = await db
      .select()
      .from(termsDocuments)
      .where(eq(termsDocuments.kind, kind))
      .orderBy(desc(termsDocuments.version))
      .limit(1);
    if (!row) return { kind, version: 1, ...FIRST_VERSIONS[kind], publishedAt: FIRST_PUBLISHED_AT };
    return {
      kind: row.kind,
      version: row.version,
      title: row.title,
      body: row.body,
      url: row.url,
      publishedAt: row.publishedAt,
    };
  }

  async function currentVersions() {
    return {
      partnerTerms: (await latest("partner_terms")).version,
      customerAgreement: (await latest("customer_agreement")).version,
    };
  }

  async function currentAcceptanceOf(billingAccountId: string): Promise<TermsAcceptance | null> {
    const current = await currentVersions();
    const [row] = await db
      .select()
      .from(termsAcceptances)
      .where(
        and(
          eq(termsAcceptances.billingAccountId, billingAccountId),
          eq(termsAcceptances.partnerTermsVersion, current.partnerTerms),
          eq(termsAcceptances.customerAgreementVersion, current.customerAgreement),
        ),
      )
      .orderBy(desc(termsAcceptances.id))
      .limit(1);
    return row ? acceptanceView(row) : null;
  }

  return {
    async current(): Promise<CurrentTerms> {
      return {
        partnerDisplayName: (await settings.current()).termsDisplayName,
        partnerTerms: await latest("partner_terms"),
        customerAgreement: await latest("customer_agreement"),
      };
    },

    /** Publishes the next version of a document (operators); acceptances of earlier versions stop counting. */
    async publish(
      caller: Caller,
      kind: TermsKind,
      input: { title?: string | undefined; body: string; url?: string | null | undefined },
    ): Promise<Result<TermsDocument, BillingAccountError>> {
      if (!caller.principal.isOperator) return err(billingAccountErrors.forbidden(roleNeeded.operators));
      const previous = await latest(kind);
      const doc = {
        kind,
        version: previous.version + 1,
        title: input.title ?? previous.title,
        body: input.body,
        url: input.url === undefined ? previous.url : input.url,
        publishedAt: deps.clock.now(),
        publishedBy: caller.principal.userId,
      };
      try {
        await db.transaction(async (tx) => {
          await tx.insert(termsDocuments).values(doc);
          await deps.audit.record(tx, caller.actor, {
            orgId: null,
            action: "terms.published",
            targetType: "terms",
            targetId: `${kind}:${doc.version}`,
            details: { kind, version: doc.version, title: doc.title },
          });
        });
      } catch (e) {
        if (isUniqueViolation(e))
          return err(billingAccountErrors.termsVersionStale(KIND_NAMES[kind], previous.version + 1));
        throw e;
      }
      return ok({
        kind,
        version: doc.version,
        title: doc.title,
        body: doc.body,
        url: doc.url,
        publishedAt: doc.publishedAt,
      });
    },

    /** Records that the caller accepted the current versions for a billing account they administer. */
    async accept(
      caller: Caller,
      billingAccountId: string,
      input: AcceptanceInput,
      from: { clientAddress: string; userAgent: string },
    ): Promise<Result<TermsAcceptance, BillingAccountError>> {
      const account = await accounts.get(caller, billingAccountId);
      if (!account.ok) return account;
      const current = await currentVersions();
      if (
        input.partnerTermsVersion !== current.partnerTerms ||
        input.customerAgreementVersion !== current.customerAgreement
      )
        return err(billingAccountErrors.termsOutdated(current));
      const at = deps.clock.now();
      const row: AcceptanceRow = {
        id: newId("termsAcceptance", at),
        billingAccountId,
        orgId: account.value.orgId,
        partnerTermsVersion: input.partnerTermsVersion,
        customerAgreementVersion: input.customerAgreementVersion,
        acceptedBy: caller.principal.userId,
        acceptedAt: at,
        clientAddress: from.clientAddress,
        userAgent: from.userAgent,
        contactFirstName: input.contact.firstName,
        contactLastName: input.contact.lastName,
        contactEmail: input.contact.email,
        contactPhone: input.contact.phoneNumber ?? null,
      };
      await db.transaction(async (tx) => {
        await tx.insert(termsAcceptances).values(row);
        await deps.audit.record(tx, caller.actor, {
          orgId: account.value.orgId,
          costCenterId: account.value.costCenterId,
          action: "terms.accepted",
          targetType: "billing_account",
          targetId: billingAccountId,
          details: {
            acceptanceId: row.id,
            partnerTermsVersion: row.partnerTermsVersion,
            customerAgreementVersion: row.customerAgreementVersion,
            clientAddress: row.clientAddress,
          },
        });
      });
      return ok(acceptanceView(row));
    },

    /** Acceptances of a billing account, newest first. */
    async acceptances(
      caller: Caller,
      billingAccountId: string,
      page: Page,
    ): Promise<Result<PageOf<TermsAcceptance>, BillingAccountError>> {
      const account = await accounts.get(caller, billingAccountId);
      if (!account.ok) return account;
      const where: (SQL | undefined)[] = [
        eq(termsAcceptances.billingAccountId, billingAccountId),
        page.after ? lt(termsAcceptances.id, page.after) : undefined,
      ];
      const rows = await db
        .select()
        .from(termsAcceptances)
        .where(and(...where))
        .orderBy(desc(termsAcceptances.id))
        .limit(page.limit + 1);
      const cut = pageOf(rows, page.limit, (r) => r.id);
      return ok({ items: cut.items.map(acceptanceView), nextCursor: cut.nextCursor });
    },

    /** The latest acceptance of the current versions, for the workflow that attests the agreement upstream. */
    currentAcceptanceOf,

    /** Whether the current version of both documents has been accepted for the connected account (for providers). */
    async hasAcceptedCurrentTerms(billingAccountId: string): Promise<boolean> {
      if ((await accounts.accountOf(billingAccountId)) === null) return false;
      return (await currentAcceptanceOf(billingAccountId)) !== null;
    },
  };
}

export type Terms = ReturnType<typeof createTerms>;
