import type { ReactNode } from "react";

/** The centred card of the pages outside the app: setup, sign-in, invitation. */
export function PublicCard({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="public-page">
      <main className="public-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Partner Cloud
        </div>
        <h1>{title}</h1>
        {subtitle ? <p className="public-subtitle">{subtitle}</p> : null}
        {children}
      </main>
    </div>
  );
}
