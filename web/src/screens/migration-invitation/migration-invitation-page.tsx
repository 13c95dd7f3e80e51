import { useState } from "react";
import { ApiError } from "../../api/api-error.ts";
import type { PublicMigrationInvitation } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormError } from "../../ui/form-error.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { TextAreaField } from "../../ui/text-area-field.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { PublicCard } from "../public/public-card.tsx";

const REASON_MAX = 500;

function Closed({ invitation }: { invitation: PublicMigrationInvitation }) {
  const i = invitation;
  if (i.state === "accepted")
    return (
      <PublicCard title="This invitation was accepted">
        <p data-testid="invitation-state" data-state={i.state}>
          {i.primaryDomain} has {i.partnerName} as its partner. To end that relationship, a Global
          Administrator removes the partner in the Microsoft 365 admin center, under Partner relationships.
        </p>
      </PublicCard>
    );
  if (i.state === "declined")
    return (
      <PublicCard title="This invitation was declined">
        <p data-testid="invitation-state" data-state={i.state}>
          {i.organizationName} knows that {i.partnerName} was declined for {i.primaryDomain}. Nothing changed
          in your directory.
        </p>
      </PublicCard>
    );
  return (
    <PublicCard title="This invitation has expired">
      <p data-testid="invitation-state" data-state={i.state}>
        It was valid until {formatDateTime(i.expiresAt)}. Nothing changed in your directory and there is
        nothing to do.
      </p>
    </PublicCard>
  );
}

/**
 * Where the "not for me" link of a partner's migration invitation lands, without signing in: who asks to become
 * the reseller partner of which directory, until when, and a way for its administrator to decline.
 */
export function MigrationInvitationPage({ token }: { token: string }) {
  const api = useApi();
  const loaded = useLoad(() => api.migration.publicInvitation(token), token);
  const [declined, setDeclined] = useState<PublicMigrationInvitation | null>(null);
  const [reason, setReason] = useState("");
  const decline = useSubmit(async () => {
    setDeclined(await api.migration.declineInvitation(token, reason.trim()));
  }, ["reason"]);

  if (loaded.error) {
    const gone = loaded.error instanceof ApiError && loaded.error.status === 404;
    return (
      <PublicCard title="Invitation not available">
        {gone ? (
          <p>
            This link does not lead to an invitation. Check that it was copied whole from the e-mail; the
            partner may also have withdrawn it.
          </p>
        ) : (
          <LoadError error={loaded.error} onRetry={() => void loaded.reload()} />
        )}
      </PublicCard>
    );
  }
  const invitation = loaded.data;
  if (!invitation) {
    return (
      <PublicCard title="Partner invitation">
        <p>Loading…</p>
      </PublicCard>
    );
  }
  if (declined) {
    return (
      <PublicCard title="Invitation declined">
        <div className="alert alert-success" role="status" data-testid="decline-confirmation">
          You declined {declined.partnerName}&apos;s invitation for {declined.primaryDomain}.
        </div>
        <p>
          {declined.organizationName} is told, with your reason if you gave one. Nothing changed in your
          directory. If they send a new invitation later, you may ignore it.
        </p>
      </PublicCard>
    );
  }
  if (invitation.state !== "open") return <Closed invitation={invitation} />;

  return (
    <PublicCard
      title={`${invitation.partnerName} asks to become your Azure partner`}
      subtitle={
        <>
          At the request of{" "}
          <strong data-testid="invitation-organization">{invitation.organizationName}</strong>,{" "}
          <strong data-testid="invitation-partner">{invitation.partnerName}</strong> invites the administrator
          of <strong data-testid="invitation-domain">{invitation.primaryDomain}</strong> to make it the
          directory&apos;s reseller partner, for consolidated billing and support. The invitation went to{" "}
          {invitation.to} and is valid until{" "}
          <strong data-testid="invitation-expires">{formatDateTime(invitation.expiresAt)}</strong>.
        </>
      }
    >
      <p className="public-note">
        To accept, follow Microsoft&apos;s link in the same e-mail and sign in as a Global Administrator of{" "}
        {invitation.primaryDomain}. If you do not want this partner, decline here instead.
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void decline.run();
        }}
      >
        <FormError message={decline.formError} />
        <TextAreaField
          id="decline-reason"
          label="Reason (optional)"
          value={reason}
          onChange={setReason}
          maxLength={REASON_MAX}
          error={decline.fieldError("reason")}
          hint={`${invitation.organizationName} reads it. ${reason.length} of ${REASON_MAX} characters.`}
        />
        <button type="submit" className="btn btn-danger btn-block" disabled={decline.submitting}>
          {decline.submitting ? "Declining…" : "Decline the invitation"}
        </button>
      </form>
    </PublicCard>
  );
}
