import { useState } from "react";
import type { ApiToken, CreatedToken } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDate, formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { CreateTokenDialog } from "./create-token-dialog.tsx";
import { TokenSecretDialog } from "./token-secret-dialog.tsx";

function statusOf(t: ApiToken): { label: string; className: string } {
  if (t.revokedAt) return { label: "Revoked", className: "badge badge-off" };
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now())
    return { label: "Expired", className: "badge badge-off" };
  return { label: "Active", className: "badge badge-ok" };
}

/** The signed-in user's API tokens: for scripts that call the API as them. */
export function ApiTokensPage() {
  const api = useApi();
  const tokens = useLoad(() => api.me.tokens(), "mine");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  return (
    <>
      <PageHeader
        title="API tokens"
        subtitle="Tokens let scripts call the Partner Cloud API as you. Give each script its own token."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create token
          </button>
        }
      />
      {tokens.error ? <LoadError error={tokens.error} onRetry={() => void tokens.reload()} /> : null}
      {tokens.data && tokens.data.length === 0 ? (
        <EmptyState title="No API tokens yet">
          <p>Create one for each script or integration; you can revoke it at any time.</p>
        </EmptyState>
      ) : null}
      {tokens.data && tokens.data.length > 0 ? (
        <table className="table" data-testid="tokens-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scope</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => {
              const status = statusOf(t);
              return (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.scope === "write" ? "Write" : "Read"}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{formatDate(t.createdAt)}</td>
                  <td>
                    {t.lastUsedAt ? formatDateTime(t.lastUsedAt) : <span className="muted">Never</span>}
                  </td>
                  <td>{t.expiresAt ? formatDate(t.expiresAt) : <span className="muted">Never</span>}</td>
                  <td>
                    <span className={status.className}>{status.label}</span>
                  </td>
                  <td className="row-actions">
                    {t.revokedAt ? null : (
                      <button
                        type="button"
                        className="btn btn-small btn-danger-quiet"
                        onClick={() => setRevoking(t)}
                        aria-label={`Revoke ${t.name}`}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {creating ? (
        <CreateTokenDialog
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
            void tokens.reload();
          }}
        />
      ) : null}
      {created ? <TokenSecretDialog created={created} onClose={() => setCreated(null)} /> : null}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke ${revoking.name}?`}
          confirmLabel="Revoke token"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await api.me.revokeToken(revoking.id);
            await tokens.reload();
          }}
        >
          <p>Scripts using this token stop working at once.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
