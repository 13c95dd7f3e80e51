import { useEffect } from "react";
import { navigate } from "./navigation.ts";

/** Replaces the current URL with another page once rendered. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
