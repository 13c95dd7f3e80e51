import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, gt, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { PartnerCloudError, PartnerCloudSession } from "../../integrations/partner-cloud/index.ts";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { AuditActor } from "../audit/index.ts";
import type { Caller } from "../tenancy/index.ts";
import { administers, inOrg, isOrgAdmin, mayConnectIn, roleNeeded } from "./access.ts";
import { factsOf } from "./account-facts.ts";
import type { BillingAccountsDeps } from "./deps.ts";
import { eligibilityOf, type Eligibility } from "./eligibility.ts";
import { billingAccountErrors, fromPartnerCloud, type BillingAccountError } from "./errors.ts";
import { openSession, sealSession } from "./sealed-session.ts";
import type { Settings } from "./settings.ts";
import { billingAccounts, billingAccountTickets, type AccountFacts } from "./tables.ts";

type Row = typeof billingAccounts.$inferSelect;

/** A connected billing account as the API shows it: never its partner-cloud session. */
export type BillingAccount = AccountFacts & {
  id: string;
  orgId: string;
  costCenterId: string | null;
  connectedAs: string;
  connectedBy: string;
  connectedAt: Date;
  factsReadAt: Date;
  eligibility: Eligibility;
};

export type DiscoveredAccount = AccountFacts & {
  eligibility: Eligibility;
  connection: "none" | "this_organization" | "another_organization";
};

export type Discovery = {
  /** Give it back to connect one of the accounts; single use, good until `ticketExpiresAt`. */
  ticket: string;
  ticketExpiresAt: Date;
  partnerCloudUser: string;
  accounts: DiscoveredAccount[];
};

/** The outcome of the eligibility rules for a connected account, and where its facts came from. */
export type EligibilityCheck = Eligibility & {
  billingAccountId: string;
  accountAlias: string;
  /** `live`: read from the partner cloud just now; `stored`: the facts kept when last read (`factsReadAt`). */
  source: "live" | "stored";
  factsReadAt: Date;
  /** Why the live read was not used, when it was tried and failed. */
  liveFailure: { code: string; message: string } | null;
};

/**
 * Another module's answer to "is this billing account in use?": what uses it, in words the user recognises
 * ("provider prv_… (Azure production)"), or nothing.
 */
export type BillingAccountUsage = (billingAccountId: string) => Promise<readonly string[]>;

const TICKET_PREFIX = "pcx_";
const SYSTEM: AuditActor = { userId: null, email: null, kind: "system", requestId: null };
const hashTicket = (ticket: string) => createHash("sha256").update(ticket).digest("hex");

const factsOfRow = (r: Row): AccountFacts => ({
  alias: r.alias,
  name: r.name,
  country: r.country,
  status: r.status,
  demo: r.demo,
  internal: r.internal,
  reseller: r.reseller,
  parentAlias: r.parentAlias,
  parentReseller: r.parentReseller,
});

export function createBillingAccountService(deps: BillingAccountsDeps, settings: Settings) {
  const { db } = deps;
  const usageChecks: BillingAccountUsage[] = [];
  const ttlMs = (deps.ticketTtlMinutes ?? 10) * 60_000;

  const view = (r: Row, supported: readonly string[]): BillingAccount => ({
    ...factsOfRow(r),
    id: r.id,
    orgId: r.orgId,
    costCenterId: r.costCenterId,
    connectedAs: r.connectedAs,
    connectedBy: r.connectedBy,
    connectedAt: r.connectedAt,
    factsReadAt: r.factsReadAt,
    eligibility: eligibilityOf(factsOfRow(r), supported),
  });

  async function connectedRow(id: string): Promise<Row | undefined> {
    const [row] = await db
      .select()
      .from(billingAccounts)
      .where(and(eq(billingAccounts.id, id), isNull(billingAccounts.disconnectedAt)));
    return row;
  }

  /** A connected account the caller administers; outside the caller's organization it does not exist. */
  async function administrable(caller: Caller, id: string): Promise<Result<Row, BillingAccountError>> {
    const row = await connectedRow(id);
    if (!row || !inOrg(caller.principal, row.orgId))
      return err(billingAccountErrors.notFound("billing account", id));
    if (!administers(caller.principal, row)) return err(billingAccountErrors.forbidden(roleNeeded.manage));
    return ok(row);
  }

  /** The organization exists for the caller: their own, or (for an operator) any that exists. */
  async function orgVisible(caller: Caller, orgId: string): Promise<boolean> {
    if (!inOrg(caller.principal, orgId)) return false;
    return !caller.principal.isOperator || (await deps.organizations.get(caller, orgId)).ok;
  }

  async function refused(caller: Caller, orgId: string, e: PartnerCloudError): Promise<BillingAccountError> {
    const userName = "userName" in e.details ? e.details.userName : null;
    await db.transaction((tx) =>
      deps.audit.record(tx, caller.actor, {
        orgId,
        action: "billing_account.discovery_refused",
        targetType: "organization",
        targetId: orgId,
        details: { code: e.code, partnerCloudUser: userName },
      }),
    );
    return fromPartnerCloud(e);
  }

  /** Where (in the caller's organization) an alias is connected now, if anywhere. */
  async function connectionsOf(orgId: string, aliases: string[]) {
    if (aliases.length === 0) return new Map<string, DiscoveredAccount["connection"]>();
    const rows = await db
      .select({ alias: billingAccounts.alias, orgId: billingAccounts.orgId })
      .from(billingAccounts)
      .where(and(inArray(billingAccounts.alias, aliases), isNull(billingAccounts.disconnectedAt)));
    return new Map(
      rows.map((r) => [r.alias, r.orgId === orgId ? "this_organization" : "another_organization"] as const),
    );
  }

  async function liveFacts(
    session: PartnerCloudSession,
    stored: Row,
  ): Promise<Result<AccountFacts, BillingAccountError>> {
    const cloud = deps.partnerCloud;
    if (!cloud) return err(billingAccountErrors.partnerCloudNotConnected());
    const read = await cloud.account(session, stored.alias);
    if (!read.ok) return read;
    const account = read.value;
    let parentReseller = stored.parentReseller;
    if (account.parentAlias !== stored.parentAlias) {
      // The account moved: walk the new ancestry (the partner cloud keeps it shallow; stop at a loop).
      parentReseller = false;
      const seen = new Set<string>([account.alias]);
      for (let up = account.parentAlias; up && !seen.has(up);) {
        seen.add(up);
        const parent = await cloud.account(session, up);
        if (!parent.ok) return parent;
        if (parent.value.reseller) {
          parentReseller = true;
          break;
        }
        up = parent.value.parentAlias;
      }
    }
    const [facts] = factsOf([account]);
    if (!facts) throw new Error("factsOf lost the account");
    return ok({ ...facts, parentReseller });
  }

  return {
    /**
     * Signs in to the partner cloud with an account administrator's credentials (used for this exchange only),
     * lists the accounts they may bill with each one's eligibility, and issues a connection ticket.
     */
    async discover(
      caller: Caller,
      orgId: string,
      credentials: { userName: string; password: string },
    ): Promise<Result<Discovery, BillingAccountError>> {
      const p = caller.principal;
      if (!(await orgVisible(caller, orgId)))
        return err(billingAccountErrors.notFound("organization", orgId));
      if (!mayConnectIn(p, orgId)) return err(billingAccountErrors.forbidden(roleNeeded.connect));
      const cloud = deps.partnerCloud;
      if (!cloud) return err(billingAccountErrors.partnerCloudNotConnected());
      const session = await cloud.login(credentials.userName, credentials.password);
      if (!session.ok) return err(await refused(caller, orgId, session.error));
      const listed = await cloud.accountsBillableBy(session.value);
      if (!listed.ok) return err(await refused(caller, orgId, listed.error));

      const facts = factsOf(listed.value);
      const { supportedCountries } = await settings.current();
      const connections = await connectionsOf(
        orgId,
        facts.map((f) => f.alias),
      );
      const at = deps.clock.now();
      const ticket = TICKET_PREFIX + randomBytes(32).toString("base64url");
      const expiresAt = new Date(at.getTime() + ttlMs);
      const sealed = sealSession(deps.secrets(), session.value);
      await db.transaction(async (tx) => {
        await tx.delete(billingAccountTickets).where(lt(billingAccountTickets.expiresAt, at));
        await tx.insert(billingAccountTickets).values({
          ticketHash: hashTicket(ticket),
          orgId,
          issuedTo: p.userId,
          session: sealed,
          accounts: facts,
          createdAt: at,
          expiresAt,
        });
        await deps.audit.record(tx, caller.actor, {
          orgId,
          action: "billing_account.discovered",
          targetType: "organization",
          targetId: orgId,
          details: { partnerCloudUser: session.value.userName, accountAliases: facts.map((f) => f.alias) },
        });
      });
      return ok({
        ticket,
        ticketExpiresAt: expiresAt,
        partnerCloudUser: session.value.userName,
        accounts: facts.map((f) => ({
          ...f,
          eligibility: eligibilityOf(f, supportedCountries),
          connection: connections.get(f.alias) ?? "none",
        })),
      });
    },

    /** Connects one of the discovered accounts to the organization, or to one of its cost centers. */
    async connect(
      caller: Caller,
      orgId: string,
      input: { ticket: string; accountAlias: string; costCenterId?: string | undefined },
    ): Promise<Result<BillingAccount, BillingAccountError>> {
      const p = caller.principal;
      if (!(await orgVisible(caller, orgId)))
        return err(billingAccountErrors.notFound("organization", orgId));
      const costCenterId = input.costCenterId ?? null;
      if (costCenterId) {
        const cc = await deps.costCenters.get(caller, costCenterId);
        if (!cc.ok && cc.error.code === "forbidden")
          return err(billingAccountErrors.forbidden(roleNeeded.connectToCostCenter));
        if (!cc.ok || cc.value.orgId !== orgId) return err(billingAccountErrors.costCenterOutsideOrg());
      } else if (!isOrgAdmin(p, orgId))
        return err(
          billingAccountErrors.forbidden(
            mayConnectIn(p, orgId) ? roleNeeded.connectToOrg : roleNeeded.connect,
          ),
        );

      const at = deps.clock.now();
      const alias = input.accountAlias.toUpperCase();
      let outcome: Result<Row, BillingAccountError>;
      try {
        outcome = await db.transaction(async (tx): Promise<Result<Row, BillingAccountError>> => {
          const [t] = await tx
            .select()
            .from(billingAccountTickets)
            .where(eq(billingAccountTickets.ticketHash, hashTicket(input.ticket)))
            .for("update");
          if (!t) return err(billingAccountErrors.ticketInvalid("unknown"));
          if (t.orgId !== orgId) return err(billingAccountErrors.ticketInvalid("other_organization"));
          if (t.issuedTo !== p.userId) return err(billingAccountErrors.ticketInvalid("other_user"));
          if (t.usedAt || !t.session) return err(billingAccountErrors.ticketInvalid("used"));
          if (t.expiresAt.getTime() <= at.getTime())
            return err(billingAccountErrors.ticketInvalid("expired"));
          const facts = t.accounts.find((a) => a.alias.toUpperCase() === alias);
          if (!facts) return err(billingAccountErrors.accountNotOffered(input.accountAlias));
          const [existing] = await tx
            .select({ orgId: billingAccounts.orgId })
            .from(billingAccounts)
            .where(and(eq(billingAccounts.alias, facts.alias), isNull(billingAccounts.disconnectedAt)));
          if (existing)
            return err(
              existing.orgId === orgId
                ? billingAccountErrors.alreadyConnected(facts.alias)
                : billingAccountErrors.connectedElsewhere(facts.alias),
            );
          const session = openSession(deps.secrets(), t.session);
          const row: Row = {
            ...facts,
            id: newId("billingAccount", at),
            orgId,
            costCenterId,
            connectedAs: session.ok ? session.value.userName : "",
            connectedBy: p.userId,
            connectedAt: at,
            factsReadAt: t.createdAt,
            session: session.ok ? t.session : null,
            sessionExpiresAt: session.ok ? session.value.expiresAt : null,
            disconnectedAt: null,
            disconnectedBy: null,
          };
          await tx
            .update(billingAccountTickets)
            .set({ usedAt: at, session: null })
            .where(eq(billingAccountTickets.ticketHash, t.ticketHash));
          await tx.insert(billingAccounts).values(row);
          await deps.audit.record(tx, caller.actor, {
            orgId,
            costCenterId,
            action: "billing_account.connected",
            targetType: "billing_account",
            targetId: row.id,
            details: { accountAlias: row.alias, name: row.name, partnerCloudUser: row.connectedAs },
          });
          return ok(row);
        });
      } catch (e) {
        // Two connections of one alias raced: the unique index let one through; say which case this is.
        if (!isUniqueViolation(e)) throw e;
        const [winner] = await db
          .select({ orgId: billingAccounts.orgId })
          .from(billingAccounts)
          .where(and(eq(billingAccounts.alias, alias), isNull(billingAccounts.disconnectedAt)));
        return err(
          winner?.orgId === orgId
            ? billingAccountErrors.alreadyConnected(alias)
            : billingAccountErrors.connectedElsewhere(alias),
        );
      }
      if (!outcome.ok) return outcome;
      return ok(view(outcome.value, (await settings.current()).supportedCountries));
    },

    async list(
      caller: Caller,
      orgId: string,
      page: Page,
    ): Promise<Result<PageOf<BillingAccount>, BillingAccountError>> {
      const p = caller.principal;
      if (!(await orgVisible(caller, orgId)))
        return err(billingAccountErrors.notFound("organization", orgId));
      const all = isOrgAdmin(p, orgId);
      if (!all && p.costCenterAdminOf.size === 0) return err(billingAccountErrors.forbidden(roleNeeded.list));
      const where: (SQL | undefined)[] = [
        eq(billingAccounts.orgId, orgId),
        isNull(billingAccounts.disconnectedAt),
        all ? undefined : inArray(billingAccounts.costCenterId, [...p.costCenterAdminOf]),
        page.after ? gt(billingAccounts.id, page.after) : undefined,
      ];
      const rows = await db
        .select()
        .from(billingAccounts)
        .where(and(...where))
        .orderBy(billingAccounts.id)
        .limit(page.limit + 1);
      const cut = pageOf(rows, page.limit, (r) => r.id);
      const { supportedCountries } = await settings.current();
      return ok({ items: cut.items.map((r) => view(r, supportedCountries)), nextCursor: cut.nextCursor });
    },

    async get(caller: Caller, id: string): Promise<Result<BillingAccount, BillingAccountError>> {
      const found = await administrable(caller, id);
      if (!found.ok) return found;
      return ok(view(found.value, (await settings.current()).supportedCountries));
    },

    /** Stops billing through the account; refused while another module (a provider) still uses it. */
    async disconnect(caller: Caller, id: string): Promise<Result<null, BillingAccountError>> {
      const found = await administrable(caller, id);
      if (!found.ok) return found;
      const users = (await Promise.all(usageChecks.map((check) => check(id)))).flat();
      if (users.length > 0) return err(billingAccountErrors.inUse(id, users));
      const at = deps.clock.now();
      await db.transaction(async (tx) => {
        await tx
          .update(billingAccounts)
          .set({
            disconnectedAt: at,
            disconnectedBy: caller.principal.userId,
            session: null,
            sessionExpiresAt: null,
          })
          .where(eq(billingAccounts.id, id));
        await deps.audit.record(tx, caller.actor, {
          orgId: found.value.orgId,
          costCenterId: found.value.costCenterId,
          action: "billing_account.disconnected",
          targetType: "billing_account",
          targetId: id,
          details: { accountAlias: found.value.alias },
        });
      });
      return ok(null);
    },

    /**
     * For the providers module: registers its answer to "is this billing account in use?". Disconnecting is
     * refused while any registered check names a user.
     */
    registerUsageCheck(check: BillingAccountUsage): void {
      usageChecks.push(check);
    },

    /** A connected account for other modules' workflows (no caller); null when unknown or disconnected. */
    async accountOf(id: string): Promise<BillingAccount | null> {
      const row = await connectedRow(id);
      return row ? view(row, (await settings.current()).supportedCountries) : null;
    },

    /** For billing: the connected accounts of an organization, or the one with an alias (any case), by id. */
    async connectedAccounts(filter: { orgId: string } | { alias: string }): Promise<BillingAccount[]> {
      const rows = await db
        .select()
        .from(billingAccounts)
        .where(
          and(
            isNull(billingAccounts.disconnectedAt),
            "orgId" in filter
              ? eq(billingAccounts.orgId, filter.orgId)
              : eq(sql`upper(${billingAccounts.alias})`, filter.alias.toUpperCase()),
          ),
        )
        .orderBy(asc(billingAccounts.id));
      const countries = (await settings.current()).supportedCountries;
      return rows.map((r) => view(r, countries));
    },

    /**
     * The eligibility rules on a connected account, for the providers and onboarding modules: the account is
     * re-read live from the partner cloud while the session of whoever connected it lasts, otherwise (or when the
     * live read fails) the stored facts are used; `source` says which. Each check is audited (as `actor`, the
     * system unless given), with the facts that changed.
     */
    async checkEligibility(
      billingAccountId: string,
      actor: AuditActor = SYSTEM,
    ): Promise<Result<EligibilityCheck, BillingAccountError>> {
      const row = await connectedRow(billingAccountId);
      if (!row) return err(billingAccountErrors.notFound("billing account", billingAccountId));
      const { supportedCountries } = await settings.current();
      const at = deps.clock.now();
      let live: Result<AccountFacts, BillingAccountError> | null = null;
      if (row.session && row.sessionExpiresAt && row.sessionExpiresAt.getTime() > at.getTime()) {
        const session = openSession(deps.secrets(), row.session);
        live = session.ok ? await liveFacts(session.value, row) : session;
      }
      const stored = factsOfRow(row);
      const facts = live?.ok ? live.value : stored;
      const check: EligibilityCheck = {
        ...eligibilityOf(facts, supportedCountries),
        billingAccountId: row.id,
        accountAlias: row.alias,
        source: live?.ok ? "live" : "stored",
        factsReadAt: live?.ok ? at : row.factsReadAt,
        liveFailure: live && !live.ok ? { code: live.error.code, message: live.error.message } : null,
      };
      const changed = (Object.keys(stored) as (keyof AccountFacts)[]).filter((k) => stored[k] !== facts[k]);
      const expired = live !== null && !live.ok && live.error.code === "partner_cloud_session_expired";
      await db.transaction(async (tx) => {
        if (live?.ok)
          await tx
            .update(billingAccounts)
            .set({ ...live.value, factsReadAt: at })
            .where(eq(billingAccounts.id, row.id));
        // A session the partner cloud no longer honours is of no further use: forget it.
        if (expired)
          await tx
            .update(billingAccounts)
            .set({ session: null, sessionExpiresAt: null })
            .where(eq(billingAccounts.id, row.id));
        await deps.audit.record(tx, actor, {
          orgId: row.orgId,
          costCenterId: row.costCenterId,
          action: "billing_account.eligibility_checked",
          targetType: "billing_account",
          targetId: row.id,
          details: {
            source: check.source,
            eligible: check.eligible,
            reasons: check.reasons.map((r) => r.code),
            liveFailure: check.liveFailure?.code ?? null,
            changed: Object.fromEntries(changed.map((k) => [k, { from: stored[k], to: facts[k] }])),
          },
        });
      });
      return ok(check);
    },
  };
}

export type BillingAccountService = ReturnType<typeof createBillingAccountService>;
