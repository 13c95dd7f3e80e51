import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import https from "node:https";
import tls from "node:tls";
import type { Logger } from "../../platform/log.ts";
import type { Result } from "../../platform/result.ts";
import { redactUrl } from "./redact.ts";
import type { ResponseHeaders } from "./retry-after.ts";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export type HttpRequest = {
  readonly method: HttpMethod;
  /** A path under the base URL ("/v1/customers"), or an absolute URL on the same origin (a service's nextLink). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** Sent as application/json. */
  readonly json?: unknown;
  /** Sent as application/x-www-form-urlencoded (OAuth 2.0 token requests). */
  readonly form?: Readonly<Record<string, string>>;
  /** Overrides the client's timeout for this request. */
  readonly timeoutMs?: number;
};

export type HttpResponse = {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: ResponseHeaders;
  /** The parsed body when the server sent JSON, otherwise undefined. */
  readonly json: unknown;
  readonly text: string;
};

/**
 * Why no response came back. `ambiguous` tells whether the server may have acted on the request anyway: true
 * once the request was sent (a timeout waiting for the answer, or the connection cut before it), false when it
 * never left (refused, unknown host, TLS failure, or no connection within the timeout). Only an ambiguous
 * failure needs the "did it happen?" care: repeat with the same idempotency key, or look before acting again.
 */
export type HttpError =
  | {
      readonly code: "http_unreachable";
      readonly message: string;
      readonly retryable: true;
      readonly ambiguous: false;
      readonly details: { readonly method: string; readonly url: string; readonly cause: string };
    }
  | {
      readonly code: "http_timeout";
      readonly message: string;
      readonly retryable: true;
      readonly ambiguous: true;
      readonly details: {
        readonly method: string;
        readonly url: string;
        readonly cause: "timeout" | "connection_lost";
      };
    };

export type HttpOutcome = Result<HttpResponse, HttpError>;

export type HttpClient = {
  readonly baseUrl: string;
  readonly request: (req: HttpRequest) => Promise<HttpOutcome>;
  /** Closes idle keep-alive connections. */
  readonly close: () => void;
};

/**
 * One request as an observer sees it: enough for a latency histogram or a rate count, never a header, a body or a
 * query string (they may hold credentials).
 */
export type HttpExchange = {
  readonly method: HttpMethod;
  readonly host: string;
  /** The URL's path, without its query string. */
  readonly path: string;
  /** The answer's status, or null when none came (`error` says why). */
  readonly status: number | null;
  readonly error: HttpError["code"] | null;
  /** From sending the request to the end of its answer (or its failure), in milliseconds. */
  readonly ms: number;
};

export type HttpClientOptions = {
  readonly baseUrl: string;
  /** Extra certificate authorities to trust (PEM), in addition to the system's; the emulator's CA, typically. */
  readonly ca?: string | undefined;
  readonly timeoutMs?: number;
  readonly log?: Pick<Logger, "debug" | "warn"> | undefined;
  /**
   * Told of every request once it has its outcome, before the caller is: metrics, benchmarks. It runs in the
   * caller's asynchronous context (AsyncLocalStorage sees the caller's store); what it throws is logged, not raised.
   */
  readonly observe?: ((exchange: HttpExchange) => void) | undefined;
};

const DEFAULT_TIMEOUT_MS = 30_000;

function flatHeaders(raw: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (!text || !/[/+]json\b/i.test(contentType ?? "")) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The one HTTPS client every adapter uses: a keep-alive connection pool trusting the configured CA, a deadline per
 * request, JSON and form bodies, and failures as values. It never retries (the adapter knows what is safe to
 * repeat: see withRetry) and never logs a header or a body, only the method, the redacted URL, the status and the
 * service's correlation id.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== "https:")
    throw new Error(`The base URL ${redactUrl(options.baseUrl)} must be https.`);
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 32,
    // Idle connections are closed before common server idle timeouts (Node's own is 5 s), so a request is never
    // written to a connection the server is closing, which would look like an ambiguous failure.
    timeout: 4_000,
    // Node's `ca` replaces the default roots, so the system's are listed with the extra one.
    ...(options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {}),
  });

  function target(req: HttpRequest): URL {
    const url = /^https?:\/\//i.test(req.path) ? new URL(req.path) : new URL(`${baseUrl}${req.path}`);
    // A bearer token must not travel to a host the adapter was not configured for.
    if (url.origin !== base.origin)
      throw new Error(`Refusing to send a request to ${url.origin}: the client is for ${base.origin}.`);
    for (const [name, value] of Object.entries(req.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  function request(req: HttpRequest): Promise<HttpOutcome> {
    const url = target(req);
    const observe = options.observe;
    return observe ? observed(req, url, observe) : send(req, url, () => undefined);
  }

  /** Awaiting the outcome here, in the caller's context, is what lets an observer read the caller's store. */
  async function observed(
    req: HttpRequest,
    url: URL,
    observe: (exchange: HttpExchange) => void,
  ): Promise<HttpOutcome> {
    let ms = 0;
    const outcome = await send(req, url, (elapsed) => (ms = elapsed));
    try {
      observe({
        method: req.method,
        host: url.host,
        path: url.pathname,
        status: outcome.ok ? outcome.value.status : null,
        error: outcome.ok ? null : outcome.error.code,
        ms,
      });
    } catch (e) {
      options.log?.warn({ err: e }, "the outbound request observer failed");
    }
    return outcome;
  }

  /** Sends one request and settles with its outcome; `took` hears how long it took. */
  function send(req: HttpRequest, url: URL, took: (ms: number) => void): Promise<HttpOutcome> {
    const shown = redactUrl(url.toString());
    const payload =
      req.form !== undefined
        ? new URLSearchParams(req.form).toString()
        : req.json !== undefined
          ? JSON.stringify(req.json)
          : undefined;
    const headers: Record<string, string> = { accept: "application/json" };
    if (payload !== undefined) {
      headers["content-type"] =
        req.form !== undefined ? "application/x-www-form-urlencoded" : "application/json; charset=utf-8";
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    for (const [name, value] of Object.entries(req.headers ?? {}))
      if (value !== undefined) headers[name.toLowerCase()] = value;
    const timeoutMs = req.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const started = performance.now();
    const logId = randomUUID();

    return new Promise<HttpOutcome>((resolve) => {
      let sent = false;
      let settled = false;
      let timedOut = false;
      const finish = (outcome: HttpOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const elapsed = performance.now() - started;
        took(elapsed);
        const ms = Math.round(elapsed);
        if (outcome.ok)
          options.log?.debug(
            {
              http: logId,
              method: req.method,
              url: shown,
              status: outcome.value.status,
              ms,
              requestId: outcome.value.headers["ms-requestid"] ?? outcome.value.headers["x-ms-request-id"],
              correlationId:
                outcome.value.headers["ms-correlationid"] ??
                outcome.value.headers["x-ms-correlation-request-id"] ??
                outcome.value.headers["client-request-id"],
            },
            "outbound request",
          );
        else
          options.log?.warn(
            { http: logId, code: outcome.error.code, ms, ...outcome.error.details },
            outcome.error.message,
          );
        resolve(outcome);
      };
      const fail = (cause: string) => {
        if (sent)
          finish({
            ok: false,
            error: {
              code: "http_timeout",
              message: timedOut
                ? `${req.method} ${shown} got no answer within ${timeoutMs} ms; the service may have acted on it.`
                : `${req.method} ${shown}: the connection was lost before the answer; the service may have acted on it.`,
              retryable: true,
              ambiguous: true,
              details: { method: req.method, url: shown, cause: timedOut ? "timeout" : "connection_lost" },
            },
          });
        else
          finish({
            ok: false,
            error: {
              code: "http_unreachable",
              message: `${req.method} ${shown} could not be sent (${cause}); check the URL, the network and the trusted CA.`,
              retryable: true,
              ambiguous: false,
              details: { method: req.method, url: shown, cause },
            },
          });
      };

      const outgoing = https.request(url, { method: req.method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", () => fail("response aborted"));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const responseHeaders = flatHeaders(res.headers);
          finish({
            ok: true,
            value: {
              status: res.statusCode ?? 0,
              headers: responseHeaders,
              json: parseJson(text, responseHeaders["content-type"]),
              text,
            },
          });
        });
      });
      // "finish" fires once the whole request is handed to a connected socket: from then on the server may act.
      outgoing.on("finish", () => {
        if (outgoing.socket && !outgoing.socket.connecting) sent = true;
      });
      outgoing.on("socket", (socket) => {
        const connected = () => {
          if (outgoing.writableFinished) sent = true;
        };
        if (socket.connecting) socket.once("secureConnect", connected);
        else connected();
      });
      outgoing.on("error", (e: NodeJS.ErrnoException) => fail(timedOut ? "timeout" : (e.code ?? e.message)));
      const timer = setTimeout(() => {
        timedOut = true;
        outgoing.destroy();
      }, timeoutMs);
      outgoing.end(payload);
    });
  }

  return { baseUrl, request, close: () => agent.destroy() };
}
