export type {
  HttpClient,
  HttpClientOptions,
  HttpError,
  HttpExchange,
  HttpMethod,
  HttpOutcome,
  HttpRequest,
  HttpResponse,
} from "./http-client.ts";
export { createHttpClient } from "./http-client.ts";
export { redactHeaders, redactUrl } from "./redact.ts";
export type { ResponseHeaders } from "./retry-after.ts";
export { retryAfterMs } from "./retry-after.ts";
export type { RetryDecision, RetryPolicy, RetryTools } from "./retry.ts";
export { backoffMs, defaultRetryPolicy, realRetryTools, withRetry } from "./retry.ts";
