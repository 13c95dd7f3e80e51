import { useState } from "react";
import { useApi } from "../../app/api-context.ts";
import { navigate } from "../../routing/navigation.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { CopyButton } from "../../ui/copy-button.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import {
  microsoftConnectionApi,
  type ConnectionCheck,
  type MicrosoftConnection,
} from "./microsoft-connection-api.ts";
import { signInOutcomeOf } from "./sign-in-outcome.ts";

const PAGE = "/microsoft-connection";

/** A live check's result: working, or Microsoft's reason with the id its support asks for. */
function CheckResult({ check, testId }: { check: ConnectionCheck; testId: string }) {
  if (check.ok)
    return (
      <span className="badge badge-ok" data-testid={testId}>
        Working
      </span>
    );
  return (
    <span data-testid={testId}>
      <span className="badge badge-warn">{check.code}</span> {check.message}
      {check.correlationId ? (
        <span className="request-id"> Correlation id for Microsoft support: {check.correlationId}</span>
      ) : null}
    </span>
  );
}

function ApplicationCard({ c }: { c: MicrosoftConnection }) {
  return (
    <section className="card" aria-labelledby="ms-application-heading" data-testid="ms-application">
      <h2 id="ms-application-heading">Partner application</h2>
      <dl className="details">
        <dt>Partner tenant</dt>
        <dd>
          <code>{c.partnerTenantId}</code>
        </dd>
        <dt>Application check</dt>
        <dd>{c.appCheck ? <CheckResult check={c.appCheck} testId="ms-app-check" /> : null}</dd>
        <dt>Reply URL</dt>
        <dd>
          <code>{c.redirectUri}</code> <CopyButton text={c.redirectUri} />
        </dd>
      </dl>
      <p className="field-hint">
        The application check asks Microsoft Entra ID for an app-only Partner Center token in the partner's
        tenant with the configured client id and secret. Register the reply URL as a Web redirect URI of the
        application, or Microsoft refuses the sign-in below.
      </p>
    </section>
  );
}

function SignInCard({ c, onChanged }: { c: MicrosoftConnection; onChanged: () => Promise<void> }) {
  const api = microsoftConnectionApi(useApi().http);
  const [confirmingSignOut, setConfirmingSignOut] = useState(false);
  // Microsoft's page must be a top-level navigation: it sends the browser back to our callback afterwards.
  const signIn = useSubmit(async () => {
    const { authorizeUrl } = await api.startSignIn();
    window.location.assign(authorizeUrl);
  });
  const s = c.signIn;

  return (
    <section className="card" aria-labelledby="ms-sign-in-heading" data-testid="ms-sign-in">
      <h2 id="ms-sign-in-heading">Partner administrator's sign-in</h2>
      {s ? (
        <dl className="details">
          <dt>Signed in</dt>
          <dd data-testid="ms-signed-in-as">
            {s.userPrincipalName}{" "}
            {s.mfa ? (
              <span className="badge badge-ok">MFA</span>
            ) : (
              <span className="badge badge-warn">Without MFA</span>
            )}
          </dd>
          <dt>Since</dt>
          <dd>
            {formatDateTime(s.signedInAt)}
            {s.signedInBy.email ? `, started by ${s.signedInBy.email}` : ""}
          </dd>
          <dt>Last renewed</dt>
          <dd>{s.refreshedAt ? formatDateTime(s.refreshedAt) : <span className="muted">Not yet</span>}</dd>
          <dt>Renewal check</dt>
          <dd>{s.refresh ? <CheckResult check={s.refresh} testId="ms-refresh-check" /> : null}</dd>
        </dl>
      ) : (
        <p className="empty-inline" data-testid="ms-not-signed-in">
          Nobody has signed in. Some Partner Center calls act as a partner administrator (Microsoft's secure
          application model): accepting the Microsoft Customer Agreement for a new customer, the reseller
          relationship link and invoices. They fail until an administrator of the partner's tenant signs in
          here, with multi-factor authentication.
        </p>
      )}
      {s && !s.mfa ? (
        <div className="alert alert-warning" role="note">
          This sign-in did not use multi-factor authentication, and Partner Center refuses app+user calls
          without it. Require MFA for the account in Microsoft Entra ID, then sign in again.
        </div>
      ) : null}
      <div className="inline-form">
        <FormError message={signIn.formError} />
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void signIn.run()}
          disabled={signIn.submitting}
          data-testid="ms-sign-in-button"
        >
          {s ? "Sign in again with Microsoft" : "Sign in with Microsoft"}
        </button>
        {s ? (
          <button type="button" className="btn btn-danger-quiet" onClick={() => setConfirmingSignOut(true)}>
            Sign out
          </button>
        ) : null}
      </div>
      <p className="field-hint">
        Signing in again replaces the stored sign-in. It is kept encrypted and renewed on each use; Microsoft
        ends it after 90 days without use, or when the account's sessions are revoked.
      </p>
      {confirmingSignOut && s ? (
        <ConfirmDialog
          title="Sign out of Microsoft?"
          confirmLabel="Sign out"
          onConfirm={async () => {
            await api.signOut();
            await onChanged();
          }}
          onClose={() => setConfirmingSignOut(false)}
        >
          <p>
            Partner Cloud forgets {s.userPrincipalName}'s sign-in. Onboarding steps that act as a partner
            administrator stop working until someone signs in again. Microsoft is not told: to end the sign-in
            there too, revoke the account's sessions in Microsoft Entra ID.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

/** Operators: how Partner Cloud reaches Microsoft, and the partner administrator's sign-in for app+user calls. */
export function MicrosoftConnectionPage() {
  const api = microsoftConnectionApi(useApi().http);
  const connection = useLoad(() => api.get(), "microsoft-connection");
  // The callback's result arrives once in the query; it is kept here and dropped from the URL.
  const [outcome] = useState(() => {
    const read = signInOutcomeOf(window.location.search);
    if (read) navigate(PAGE, { replace: true });
    return read;
  });
  const c = connection.data;

  return (
    <>
      <PageHeader
        title="Microsoft connection"
        subtitle="How Partner Cloud reaches Partner Center, Microsoft Graph and Azure for the partner, checked live."
        actions={
          <button
            type="button"
            className="btn"
            onClick={() => void connection.reload()}
            disabled={connection.loading}
          >
            Check again
          </button>
        }
      />
      {outcome ? (
        <div
          className={outcome.kind === "success" ? "alert alert-success" : "alert alert-error"}
          role={outcome.kind === "success" ? "status" : "alert"}
          data-testid="ms-sign-in-outcome"
        >
          {outcome.text}
          {outcome.kind === "error" ? <span className="request-id"> ({outcome.code})</span> : null}
        </div>
      ) : null}
      {connection.error ? (
        <LoadError error={connection.error} onRetry={() => void connection.reload()} />
      ) : null}
      {connection.loading && !c ? <p className="muted">Checking with Microsoft…</p> : null}
      {c && !c.connected ? (
        <EmptyState title="Not connected to Microsoft">
          <p>
            Set MICROSOFT_LOGIN_URL, PARTNER_CENTER_URL, GRAPH_URL, ARM_URL, PARTNER_CLOUD_URL,
            PARTNER_TENANT_ID, PARTNER_APP_CLIENT_ID and PARTNER_APP_CLIENT_SECRET, then restart Partner
            Cloud.
          </p>
        </EmptyState>
      ) : null}
      {c && c.connected ? (
        <>
          <ApplicationCard c={c} />
          <SignInCard c={c} onChanged={connection.reload} />
        </>
      ) : null}
    </>
  );
}
