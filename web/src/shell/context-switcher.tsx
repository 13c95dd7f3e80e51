import { useRef, useState } from "react";
import { messageOf } from "../api/api-error.ts";
import { navigate } from "../routing/navigation.ts";
import { useScope } from "../scope/scope-context.ts";
import { scopeKindLabel } from "../scope/scope.ts";
import { filterItems, switcherTabs, type SwitcherItem, type SwitcherTabId } from "./switcher-tabs.ts";
import { useDismiss } from "./use-dismiss.ts";

const tabOf: Record<SwitcherItem["kind"], SwitcherTabId> = {
  organization: "organizations",
  "cost-center": "cost-centers",
  workspace: "workspaces",
};

/** The scope picker in the top bar: tabs Organizations / Cost Centers / Workspaces / Favorites, search, stars. */
export function ContextSwitcher() {
  const { contexts, scope, selectScope, toggleFavorite } = useScope();
  const [open, setOpen] = useState(false);
  const tabs = switcherTabs(contexts);
  const [tabId, setTabId] = useState<SwitcherTabId>("organizations");
  const [searches, setSearches] = useState<Partial<Record<SwitcherTabId, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  useDismiss(root, open, () => setOpen(false));

  const tab = tabs.find((t) => t.id === tabId) ?? tabs[0];
  const search = tab ? (searches[tab.id] ?? "") : "";
  const items = tab ? filterItems(tab.items, search) : [];
  const favorites = new Set(contexts.favorites);

  function openPanel() {
    const preferred = scope ? tabOf[scope.kind] : "workspaces";
    setTabId(tabs.some((t) => t.id === preferred) ? preferred : (tabs[0]?.id ?? "workspaces"));
    setSearches({});
    setError(null);
    setOpen(true);
  }

  function choose(item: SwitcherItem) {
    selectScope(item.id);
    setOpen(false);
    if (item.kind === "workspace") navigate(`/workspaces/${item.id}`);
    else if (window.location.pathname.startsWith("/workspaces/")) navigate("/workspaces");
  }

  async function star(item: SwitcherItem) {
    setError(null);
    try {
      await toggleFavorite(item.id);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <div className="switcher" ref={root}>
      <button
        type="button"
        className="switcher-button"
        data-testid="context-switcher"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => (open ? setOpen(false) : openPanel())}
      >
        {scope ? (
          <>
            <span className="switcher-kind">{scopeKindLabel[scope.kind]}</span>
            <span className="switcher-name" data-testid="current-scope">
              {scope.name}
            </span>
          </>
        ) : (
          <span className="switcher-name" data-testid="current-scope">
            Choose a context
          </span>
        )}
        <span aria-hidden="true" className="switcher-caret">
          ▾
        </span>
      </button>
      {open && tab ? (
        <div className="switcher-panel" role="dialog" aria-label="Switch context">
          <div className="tabs" role="tablist">
            {tabs.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                aria-selected={t.id === tab.id}
                className={t.id === tab.id ? "tab active" : "tab"}
                onClick={() => setTabId(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div className="switcher-search">
            <label htmlFor="switcher-search" className="visually-hidden">
              Search {tab.label.toLowerCase()}
            </label>
            <input
              id="switcher-search"
              type="search"
              placeholder={`Search ${tab.label.toLowerCase()}`}
              value={search}
              autoFocus
              onChange={(e) => setSearches((s) => ({ ...s, [tab.id]: e.target.value }))}
            />
          </div>
          {error ? (
            <p className="field-error switcher-error" role="alert">
              {error}
            </p>
          ) : null}
          <ul className="switcher-list" role="list" data-testid="switcher-list">
            {items.map((item) => {
              const starred = favorites.has(item.id);
              const current = scope?.id === item.id;
              return (
                <li key={item.id} className={current ? "switcher-item current" : "switcher-item"}>
                  <button
                    type="button"
                    className="switcher-choose"
                    onClick={() => choose(item)}
                    aria-current={current ? "true" : undefined}
                  >
                    <span className="switcher-item-name">{item.name}</span>
                    <span className="switcher-item-detail">{item.detail}</span>
                  </button>
                  <button
                    type="button"
                    className={starred ? "star starred" : "star"}
                    aria-label={
                      starred ? `Remove ${item.name} from favorites` : `Add ${item.name} to favorites`
                    }
                    aria-pressed={starred}
                    onClick={() => void star(item)}
                  >
                    {starred ? "★" : "☆"}
                  </button>
                </li>
              );
            })}
          </ul>
          {items.length === 0 ? (
            <p className="switcher-empty">
              {search
                ? "Nothing matches your search."
                : tab.id === "favorites"
                  ? "No favorites yet. Star a scope in another tab to keep it here."
                  : `No ${tab.label.toLowerCase()} yet.`}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
