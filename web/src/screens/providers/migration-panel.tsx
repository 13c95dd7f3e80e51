import { useState } from "react";
import type { MigrationGdap, MigrationInvitation, MigrationView } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { CopyButton } from "../../ui/copy-button.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import {
  actorLabel,
  choosingSubscriptions,
  durationText,
  migrationHeadline,
  migrationPhaseBadge,
  migrationPhaseLabel,
} from "./migration-labels.ts";
import type { MigrationActions } from "./migration-actions.ts";
import { MigrationSubscriptions, MigrationTasks } from "./migration-subscriptions.tsx";

function InvitationLink({ label, href, testId }: { label: string; href: string; testId: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="migration-link">
        <a href={href} target="_blank" rel="noreferrer" data-testid={testId}>
          {href}
        </a>{" "}
        <CopyButton text={href} label="Copy link" />
      </dd>
    </>
  );
}

function InvitationCard({
  invitation,
  primaryDomain,
  waiting,
  expired,
  gdapPending,
  providerId,
  mayAct,
  onChanged,
}: MigrationActions & {
  invitation: MigrationInvitation;
  primaryDomain: string;
  /** The invitation is out and neither accepted, declined nor expired. */
  waiting: boolean;
  expired: boolean;
  gdapPending: boolean;
}) {
  const api = useApi();
  const [notice, setNotice] = useState<string | null>(null);
  const resend = useSubmit(async () => {
    setNotice(null);
    const view = await api.migration.resendInvitation(providerId);
    setNotice(`The invitation was sent again to ${view.invitation?.to ?? invitation.to}.`);
    onChanged(view);
  });
  const i = invitation;
  const acceptedAt = i.acceptedAt;
  return (
    <section aria-labelledby="migration-invitation-heading" data-testid="migration-invitation">
      <div className="card-header">
        <h3 id="migration-invitation-heading">The partner&apos;s invitation</h3>
        {i.canResend && mayAct ? (
          <button
            type="button"
            className="btn"
            disabled={resend.submitting}
            onClick={() => void resend.run()}
          >
            {resend.submitting ? "Sending…" : "Send again"}
          </button>
        ) : null}
      </div>
      <FormError message={resend.formError} />
      {notice && waiting ? (
        <div className="alert alert-success" role="status" data-testid="resend-notice">
          {notice}
        </div>
      ) : null}
      <dl className="details">
        <dt>To</dt>
        <dd data-testid="invitation-to">{i.to}</dd>
        <dt>Sent</dt>
        <dd>
          {formatDateTime(i.firstSentAt)}
          {i.sends > 1 ? (
            <span className="muted">
              {" "}
              · sent {i.sends} times, last {formatDateTime(i.lastSentAt)}
            </span>
          ) : null}
        </dd>
        {waiting ? (
          <>
            <dt>Reminders</dt>
            <dd data-testid="invitation-reminders">
              {i.remindersSent === 0
                ? "None yet"
                : i.remindersSent === 1
                  ? "1 sent"
                  : `${i.remindersSent} sent`}
              {i.nextReminderAt ? (
                <span className="muted"> · next {formatDateTime(i.nextReminderAt)}</span>
              ) : null}
            </dd>
          </>
        ) : null}
        {acceptedAt === null ? (
          i.declinedAt === null ? (
            <>
              <dt>{expired ? "Expired" : "Expires"}</dt>
              <dd data-testid="invitation-expires">{formatDateTime(i.expiresAt)}</dd>
            </>
          ) : null
        ) : (
          <>
            <dt>Accepted</dt>
            <dd data-testid="invitation-accepted">{formatDateTime(acceptedAt)}</dd>
          </>
        )}
        {i.declinedAt ? (
          <>
            <dt>Declined</dt>
            <dd data-testid="invitation-declined">
              {formatDateTime(i.declinedAt)}
              {i.declineReason ? <> · “{i.declineReason}”</> : null}
            </dd>
          </>
        ) : null}
        {waiting ? (
          <InvitationLink label="Accept as reseller" href={i.resellerLink} testId="reseller-link" />
        ) : null}
        {i.gdapApprovalUrl && gdapPending && (waiting || acceptedAt !== null) ? (
          <InvitationLink label="Approve admin access" href={i.gdapApprovalUrl} testId="gdap-approval-link" />
        ) : null}
      </dl>
      {waiting ? (
        <p className="field-hint">
          Only a Global Administrator of the {primaryDomain} directory can accept. Forward these links if the
          e-mail went to someone else.
        </p>
      ) : null}
    </section>
  );
}

function GdapDetails({ gdap }: { gdap: MigrationGdap }) {
  return (
    <section aria-labelledby="migration-gdap-heading" data-testid="migration-gdap">
      <h3 id="migration-gdap-heading">Administrative access (GDAP)</h3>
      <dl className="details">
        <dt>Relationship</dt>
        <dd>
          {gdap.displayName} <code className="muted">{gdap.relationshipId}</code>
        </dd>
        <dt>Status</dt>
        <dd data-testid="gdap-status">{gdap.status}</dd>
        <dt>Roles</dt>
        <dd>{gdap.roleNames.join(", ")}</dd>
        <dt>Duration</dt>
        <dd>{durationText(gdap.duration)}</dd>
      </dl>
    </section>
  );
}

/**
 * The migration of an existing tenant as its requester follows it: the phase and who must act in a live line, the
 * partner's invitation (sent again from here), the admin relationship, each subscription's fate (one may be left out
 * while the migration waits for them) and the technical account manager's tasks.
 */
export function MigrationPanel({ migration, ...actions }: MigrationActions & { migration: MigrationView }) {
  const m = migration;
  return (
    <section
      className="card migration"
      aria-labelledby="migration-heading"
      data-testid="migration"
      data-phase={m.phase}
    >
      <h2 id="migration-heading">Moving {m.primaryDomain} to the partner</h2>
      <div role="status" aria-live="polite" data-testid="migration-status">
        <p className="onboarding-summary">
          <span className={migrationPhaseBadge[m.phase]} data-testid="migration-phase" data-phase={m.phase}>
            {migrationPhaseLabel[m.phase]}
          </span>{" "}
          <strong data-testid="migration-headline">{migrationHeadline(m)}</strong>
        </p>
        <p data-testid="migration-summary">{m.summary}</p>
        <p data-testid="migration-actor">
          {m.whoMustAct ? (
            <>
              Who acts now: <strong>{actorLabel[m.whoMustAct]}</strong>
              {m.whoMustAct === "customer_admin" ? ` (${m.invitation?.to ?? m.adminEmail})` : ""}
            </>
          ) : (
            <span className="muted">Nobody needs to act.</span>
          )}
        </p>
      </div>
      {m.invitation ? (
        <InvitationCard
          invitation={m.invitation}
          primaryDomain={m.primaryDomain}
          waiting={m.phase === "requested" || m.phase === "invitation_sent"}
          expired={m.phase === "expired"}
          gdapPending={m.gdap?.status === "approvalPending"}
          {...actions}
        />
      ) : null}
      {m.gdap ? <GdapDetails gdap={m.gdap} /> : null}
      <MigrationSubscriptions
        subscriptions={m.subscriptions}
        choosing={choosingSubscriptions.has(m.phase)}
        {...actions}
      />
      <MigrationTasks tasks={m.tasks} />
    </section>
  );
}
