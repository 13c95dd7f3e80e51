import { useState } from "react";
import { ApiError } from "../../api/api-error.ts";
import { useApi } from "../../app/api-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { MailText } from "./mail-text.tsx";

/** Operators of a local installation read the mail Partner Cloud would have sent (invitations, …). */
export function MailboxPage() {
  const api = useApi();
  const mails = useLoad(() => api.mailbox.list(), "mailbox");
  const [openId, setOpenId] = useState<string | null>(null);
  const items = mails.data?.items ?? [];
  const open = items.find((m) => m.id === openId) ?? null;
  const noMailbox = mails.error instanceof ApiError && mails.error.status === 404;

  return (
    <>
      <PageHeader
        title="Mailbox"
        subtitle="Mail captured by this installation instead of being sent. Open an invitation to follow its link."
        actions={
          <button type="button" className="btn" onClick={() => void mails.reload()} disabled={mails.loading}>
            Refresh
          </button>
        }
      />
      {noMailbox ? (
        <EmptyState title="No captured mail here">
          <p>This installation sends real mail through an SMTP relay, so nothing is captured.</p>
        </EmptyState>
      ) : mails.error ? (
        <LoadError error={mails.error} onRetry={() => void mails.reload()} />
      ) : null}
      {mails.data && items.length === 0 ? (
        <EmptyState title="The mailbox is empty">
          <p>Invite a user from the Users page; the invitation mail shows up here.</p>
        </EmptyState>
      ) : null}
      {items.length > 0 ? (
        <div className="mailbox">
          <ul className="mail-list" data-testid="mail-list">
            {items.map((m) => (
              <li key={m.id}>
                <button
                  type="button"
                  className={m.id === openId ? "mail-item active" : "mail-item"}
                  onClick={() => setOpenId(m.id)}
                >
                  <span className="mail-subject">{m.subject}</span>
                  <span className="mail-meta">
                    {m.to.join(", ")} · {formatDateTime(m.receivedAt)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <article className="mail-view card" data-testid="mail-view">
            {open ? (
              <>
                <h2>{open.subject}</h2>
                <p className="mail-meta">
                  To {open.to.join(", ")} · {formatDateTime(open.receivedAt)}
                </p>
                <MailText text={open.text} />
              </>
            ) : (
              <p className="muted">Choose a message to read it.</p>
            )}
          </article>
        </div>
      ) : null}
    </>
  );
}
