import { apiErrorFrom } from "./api-error.ts";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Query = Record<string, string | number | undefined | null>;

export type HttpClient = {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
  /** Sends a file as the request body (streamed by the browser), with its content type and a query. */
  upload<T>(path: string, file: Blob, contentType: string, query?: Query): Promise<T>;
  /** The full URL of an API path, for what fetch does not serve (an EventSource stream). */
  urlOf(path: string): string;
  /** The session's CSRF token, sent on every state-changing request; null after sign-out. */
  setCsrfToken(token: string | null): void;
};

export type HttpClientOptions = {
  baseUrl: string;
  /** Called when the server says the session ended (401 `unauthenticated`). */
  onUnauthenticated: () => void;
};

function withQuery(url: string, query: Query | undefined): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${url}?${text}` : url;
}

async function bodyOf(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The one place the console talks HTTP: same-origin cookies, CSRF header, typed errors. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  let csrfToken: string | null = null;

  async function request<T>(
    method: Method,
    path: string,
    body?: unknown,
    query?: Query,
    file?: { blob: Blob; contentType: string },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (file) headers["content-type"] = file.contentType;
    else if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
    const response = await fetch(withQuery(`${options.baseUrl}${path}`, query), {
      method,
      headers,
      credentials: "same-origin",
      body: file ? file.blob : body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await bodyOf(response);
    if (!response.ok) {
      const error = apiErrorFrom(response.status, parsed);
      if (response.status === 401 && error.code === "unauthenticated") options.onUnauthenticated();
      throw error;
    }
    return parsed as T;
  }

  return {
    get: (path, query) => request("GET", path, undefined, query),
    post: (path, body) => request("POST", path, body),
    put: (path, body) => request("PUT", path, body),
    patch: (path, body) => request("PATCH", path, body),
    delete: (path) => request("DELETE", path),
    upload: (path, blob, contentType, query) =>
      request("POST", path, undefined, query, { blob, contentType }),
    urlOf: (path) => `${options.baseUrl}${path}`,
    setCsrfToken(token) {
      csrfToken = token;
    },
  };
}
