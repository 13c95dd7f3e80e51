import { useState } from "react";
import type { TermsDocument } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { useCurrentUser } from "../../session/session-context.ts";
import { formatDate, formatDateTime } from "../../ui/format-time.ts";
import { FormError } from "../../ui/form-error.tsx";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { unlessForbidden } from "../../ui/unless-forbidden.ts";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { termsStatusLabel, termsStatusOf } from "./terms-status.ts";

function TermsDocumentView({ doc }: { doc: TermsDocument }) {
  const headingId = `terms-${doc.kind}`;
  return (
    <section className="card terms-document" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {doc.title} <span className="badge">Version {doc.version}</span>
      </h2>
      <p className="field-hint">Published {formatDate(doc.publishedAt)}</p>
      <div className="terms-body" tabIndex={0} data-testid={`terms-body-${doc.kind}`}>
        {doc.body}
      </div>
      {doc.url ? (
        <p>
          <a href={doc.url} target="_blank" rel="noreferrer">
            Read the full document
          </a>
        </p>
      ) : null}
    </section>
  );
}

function splitName(name: string): { first: string; last: string } {
  const parts = name.trim().split(/\s+/);
  return parts.length < 2
    ? { first: parts[0] ?? "", last: "" }
    : { first: parts.slice(0, -1).join(" "), last: parts.at(-1) ?? "" };
}

/**
 * The partner's terms and Microsoft's Customer Agreement for one billing account: what was accepted, by whom and
 * when, and the form to accept the current versions naming the customer's contact.
 */
export function TermsPage({ billingAccountId }: { billingAccountId: string }) {
  const api = useApi();
  const me = useCurrentUser();
  const data = useLoad(async () => {
    const [account, terms, acceptances] = await Promise.all([
      api.billingAccounts.get(billingAccountId),
      api.terms.current(),
      api.terms.acceptances(billingAccountId),
    ]);
    // Names of who accepted; without the right to list users the page shows their ids.
    const users = await unlessForbidden(api.users.list(account.orgId), []);
    return { account, terms, acceptances, users };
  }, billingAccountId);

  const name = splitName(me.name);
  const [firstName, setFirstName] = useState(name.first);
  const [lastName, setLastName] = useState(name.last);
  const [email, setEmail] = useState(me.email);
  const [phone, setPhone] = useState("");
  const [agreed, setAgreed] = useState(false);
  const [agreeError, setAgreeError] = useState<string | null>(null);

  const accept = useSubmit(async () => {
    if (!data.data) return;
    if (!agreed) {
      setAgreeError("Tick the box to accept both documents on the customer's behalf.");
      return;
    }
    setAgreeError(null);
    try {
      await api.terms.accept(billingAccountId, {
        partnerTermsVersion: data.data.terms.partnerTerms.version,
        customerAgreementVersion: data.data.terms.customerAgreement.version,
        contact: {
          firstName: firstName.trim(),
          lastName: lastName.trim(),
          email: email.trim(),
          ...(phone.trim() ? { phoneNumber: phone.trim() } : {}),
        },
      });
    } finally {
      await data.reload();
    }
  }, ["contact.firstName", "contact.lastName", "contact.email", "contact.phoneNumber"]);

  const back = (
    <p className="breadcrumb">
      <Link to="/billing-accounts">Billing accounts</Link> /
    </p>
  );
  if (data.error) {
    return (
      <>
        {back}
        <PageHeader title="Terms" />
        <LoadError error={data.error} onRetry={() => void data.reload()} />
      </>
    );
  }
  if (!data.data) return <p className="muted">Loading…</p>;

  const { account, terms, acceptances, users } = data.data;
  const status = termsStatusOf(terms, acceptances);
  const who = (userId: string) => {
    const u = users.find((x) => x.id === userId);
    return u ? `${u.name} (${u.email})` : userId;
  };

  return (
    <>
      {back}
      <PageHeader
        title={`Terms for ${account.alias}`}
        subtitle={`${account.name}: the partner's terms and the Microsoft Customer Agreement must be accepted before this account pays for an optimized Azure provider.`}
      />
      <section className="card" data-testid="terms-status">
        <h2>
          Acceptance{" "}
          <span className={status.kind === "accepted" ? "badge badge-ok" : "badge badge-warn"}>
            {termsStatusLabel[status.kind]}
          </span>
        </h2>
        {status.kind === "none" ? (
          <p className="empty-inline">Nobody has accepted the terms for this account yet.</p>
        ) : (
          <dl className="details">
            <dt>Versions</dt>
            <dd>
              Partner terms v{status.acceptance.partnerTermsVersion}, Microsoft Customer Agreement v
              {status.acceptance.customerAgreementVersion}
              {status.kind === "outdated" ? " (newer versions were published since)" : ""}
            </dd>
            <dt>Accepted by</dt>
            <dd>{who(status.acceptance.acceptedBy)}</dd>
            <dt>When</dt>
            <dd>{formatDateTime(status.acceptance.acceptedAt)}</dd>
            <dt>Customer contact</dt>
            <dd>
              {status.acceptance.contact.firstName} {status.acceptance.contact.lastName},{" "}
              {status.acceptance.contact.email}
              {status.acceptance.contact.phoneNumber ? `, ${status.acceptance.contact.phoneNumber}` : ""}
            </dd>
          </dl>
        )}
      </section>
      <TermsDocumentView doc={terms.partnerTerms} />
      <TermsDocumentView doc={terms.customerAgreement} />
      {status.kind === "accepted" ? null : (
        <section className="card">
          <h2>Accept the terms</h2>
          {account.eligibility.eligible ? null : (
            <div className="alert alert-warning" role="note">
              {account.alias} is not eligible for the optimized options; accepting the terms does not change
              that. See the reasons on the Billing accounts page.
            </div>
          )}
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void accept.run();
            }}
          >
            <FormError message={accept.formError} />
            <p className="field-hint">
              Microsoft records who at the customer accepted its Customer Agreement: give that person's
              details.
            </p>
            <div className="form-grid">
              <TextField
                id="contact-first-name"
                label="Contact first name"
                value={firstName}
                onChange={setFirstName}
                error={accept.fieldError("contact.firstName")}
              />
              <TextField
                id="contact-last-name"
                label="Contact last name"
                value={lastName}
                onChange={setLastName}
                error={accept.fieldError("contact.lastName")}
              />
              <TextField
                id="contact-email"
                label="Contact email"
                type="email"
                value={email}
                onChange={setEmail}
                error={accept.fieldError("contact.email")}
              />
              <TextField
                id="contact-phone"
                label="Contact phone (optional)"
                type="tel"
                value={phone}
                onChange={setPhone}
                error={accept.fieldError("contact.phoneNumber")}
                hint="For example +44 20 7946 0000"
              />
            </div>
            <div className={agreeError ? "field field-invalid" : "field"}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={agreed}
                  onChange={(e) => setAgreed(e.target.checked)}
                  aria-describedby={agreeError ? "terms-agree-error" : undefined}
                />
                I have read and accept {terms.partnerTerms.title} (version {terms.partnerTerms.version}) and{" "}
                {terms.customerAgreement.title} (version {terms.customerAgreement.version}) on behalf of the
                customer.
              </label>
              {agreeError ? (
                <p className="field-error" id="terms-agree-error" role="alert">
                  {agreeError}
                </p>
              ) : null}
            </div>
            <button type="submit" className="btn btn-primary" disabled={accept.submitting}>
              {accept.submitting ? "Working…" : "Accept terms"}
            </button>
          </form>
        </section>
      )}
    </>
  );
}
