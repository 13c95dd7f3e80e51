import type { ReactNode } from "react";

type PageHeaderProps = { title: string; subtitle?: ReactNode; actions?: ReactNode; icon?: ReactNode };

/** A screen's title, a line of context and its main actions. */
export function PageHeader({ title, subtitle, actions, icon }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div>
        <h1 className="page-title">
          {icon}
          {title}
        </h1>
        {subtitle ? <p className="page-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}
