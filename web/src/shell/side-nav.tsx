import { Link } from "../routing/link.tsx";
import { usePathname } from "../routing/navigation.ts";
import { useScope } from "../scope/scope-context.ts";
import { navItemsFor } from "./nav-items.ts";

export function SideNav() {
  const { permissions, orgId } = useScope();
  const path = usePathname();
  const items = navItemsFor(permissions, orgId !== null);
  return (
    <nav className="side-nav" aria-label="Main">
      <ul>
        {items.map((item) => {
          const active = path === item.to || path.startsWith(`${item.to}/`);
          return (
            <li key={item.to}>
              <Link
                to={item.to}
                className={active ? "nav-link active" : "nav-link"}
                aria-current={active ? "page" : undefined}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
