import { and, eq, inArray, lte, or, sql } from "drizzle-orm";
import type { InvoiceLine, PartnerCloudSession } from "../../../integrations/partner-cloud/index.ts";
import { err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { AuditActor } from "../../audit/index.ts";
import { currencyOf, sign } from "../engine/index.ts";
import { invoices } from "../tables.ts";
import type { InvoicingDeps } from "./deps.ts";
import { invoicingErrors } from "./errors.ts";
import { mayPost, retryablePostError } from "./lifecycle.ts";
import { yearAndMonth } from "./periods.ts";
import { invoiceById, linesOf, readMoney, type InvoiceRow } from "./store.ts";

/** A `posting` older than this was left by a worker that stopped; another takes it over (the keys make it safe). */
export const STALE_POSTING_MS = 10 * 60_000;

/**
 * Posting a finalized invoice's lines to the partner cloud's invoice of its account and month. The invoice row is
 * claimed (`posting`) before the call, so two workers never post it at once; each line carries the key
 * `${invoiceId}:${lineNo}`, so a repeat after a crash between the partner cloud's answer and our write adds nothing.
 * Lines of amount zero are not sent. The partner-cloud sign-in is the partner's own billing user, kept in memory
 * until it expires.
 */
export function createPosting(deps: InvoicingDeps) {
  let session: PartnerCloudSession | null = null;

  async function signIn(): Promise<Result<PartnerCloudSession, AppError>> {
    const user = deps.billingUser();
    if (!deps.partnerCloud || !user) return err(invoicingErrors.billingUserMissing());
    if (session && session.expiresAt.getTime() > deps.clock.now().getTime() + 60_000) return ok(session);
    const signedIn = await deps.partnerCloud.login(user.userName, user.password);
    if (!signedIn.ok) return signedIn;
    session = signedIn.value;
    return ok(session);
  }

  async function send(inv: InvoiceRow): Promise<Result<{ posted: number }, AppError>> {
    const currency = currencyOf(inv.currency);
    if (!currency.ok || currency.value.minorUnits > 2)
      return err(invoicingErrors.currencyNotPostable(inv.currency));
    const account = await deps.billingAccountOf(inv.billingAccountId);
    if (!account) return err(invoicingErrors.notFound("billing account", inv.billingAccountId));
    const lines: InvoiceLine[] = (await linesOf(deps.db, inv.id))
      .filter((l) => sign(readMoney(l.amount)) !== 0)
      .map((l) => ({
        key: `${inv.id}:${l.lineNo}`,
        description: l.description,
        quantity: 1,
        unitCost: l.amount,
        itemTotal: l.amount,
        serviceLocation: "",
      }));
    const { year, month } = yearAndMonth(inv.period);
    for (let attempt = 0; ; attempt++) {
      const signedIn = await signIn();
      if (!signedIn.ok || !deps.partnerCloud)
        return signedIn.ok ? err(invoicingErrors.billingUserMissing()) : signedIn;
      const posted = await deps.partnerCloud.postInvoiceLines(
        signedIn.value,
        account.alias,
        year,
        month,
        lines,
      );
      if (posted.ok || posted.error.code !== "partner_cloud_session_expired" || attempt > 0) return posted;
      session = null;
    }
  }

  /** Claims the invoice for posting: true when this caller may go on. */
  async function claim(inv: InvoiceRow, retryOnly: boolean): Promise<boolean> {
    const now = deps.clock.now();
    if (!mayPost(inv, { now, stalePostingMs: STALE_POSTING_MS, retry: retryOnly })) return false;
    const claimed = await deps.db
      .update(invoices)
      .set({ postState: "posting", updatedAt: now })
      .where(
        and(
          eq(invoices.id, inv.id),
          eq(invoices.state, "finalized"),
          or(
            inArray(invoices.postState, ["not_posted", "failed"]),
            and(
              eq(invoices.postState, "posting"),
              lte(invoices.updatedAt, new Date(now.getTime() - STALE_POSTING_MS)),
            ),
          ),
        ),
      )
      .returning({ id: invoices.id });
    return claimed.length === 1;
  }

  /**
   * Posts one invoice. `retryOnly` (the schedule) leaves alone a failure the partner cloud will not get over by
   * itself; an operator's post tries again whatever the failure was.
   */
  async function post(
    actor: AuditActor,
    invoiceId: string,
    retryOnly = false,
  ): Promise<Result<InvoiceRow, AppError>> {
    const inv = await invoiceById(deps.db, invoiceId);
    if (!inv) return err(invoicingErrors.notFound("invoice", invoiceId));
    if (inv.state !== "finalized") return err(invoicingErrors.notFinalized(invoiceId));
    if (!(await claim(inv, retryOnly))) return ok((await invoiceById(deps.db, invoiceId)) ?? inv);
    const sent = await send(inv);
    const now = deps.clock.now();
    await deps.db.transaction(async (tx) => {
      if (sent.ok) {
        await tx
          .update(invoices)
          .set({ postState: "posted", postedAt: now, postError: null, updatedAt: now })
          .where(eq(invoices.id, inv.id));
        await deps.audit.record(tx, actor, {
          orgId: inv.orgId,
          costCenterId: inv.costCenterId,
          action: "invoice.posted",
          targetType: "invoice",
          targetId: inv.id,
          details: { number: inv.number, period: inv.period, linesPosted: sent.value.posted },
        });
      } else {
        await tx
          .update(invoices)
          .set({
            postState: "failed",
            postError: { code: sent.error.code, message: sent.error.message },
            updatedAt: now,
          })
          .where(eq(invoices.id, inv.id));
        await deps.audit.record(tx, actor, {
          orgId: inv.orgId,
          costCenterId: inv.costCenterId,
          action: "invoice.post_failed",
          targetType: "invoice",
          targetId: inv.id,
          details: { number: inv.number, period: inv.period, code: sent.error.code },
        });
      }
    });
    const row = await invoiceById(deps.db, invoiceId);
    if (!row) throw new Error(`invoice ${invoiceId} vanished while posting`);
    return ok(row);
  }

  /** Finalized invoices the schedule should post: never posted, failed for a passing reason, or left posting. */
  async function pending(): Promise<string[]> {
    const now = deps.clock.now();
    const rows = await deps.db
      .select({ id: invoices.id, postError: invoices.postError, postState: invoices.postState })
      .from(invoices)
      .where(
        and(
          eq(invoices.state, "finalized"),
          or(
            inArray(invoices.postState, ["not_posted", "failed"]),
            and(
              eq(invoices.postState, "posting"),
              lte(invoices.updatedAt, new Date(now.getTime() - STALE_POSTING_MS)),
            ),
          ),
        ),
      )
      .orderBy(sql`${invoices.number}`);
    return rows
      .filter(
        (r) => r.postState !== "failed" || (r.postError !== null && retryablePostError(r.postError.code)),
      )
      .map((r) => r.id);
  }

  return { post, pending };
}
