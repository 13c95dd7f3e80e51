import { ApiError } from "../api/api-error.ts";

/**
 * For details a page can do without: the value, or `fallback` when the caller's role may not read it (403).
 * Any other failure is still raised.
 */
export async function unlessForbidden<T, F>(load: Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await load;
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return fallback;
    throw e;
  }
}
