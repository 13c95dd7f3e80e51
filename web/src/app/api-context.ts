import { createContext, useContext } from "react";
import type { ApiClient } from "../api/api-client.ts";

export const ApiContext = createContext<ApiClient | null>(null);

/** The API client of the running console. */
export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi must be used inside <ApiContext.Provider>");
  return api;
}
