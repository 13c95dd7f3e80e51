import https from "node:https";
import tls from "node:tls";
import { err, ok, type AppError, type Result } from "../../platform/result.ts";

/** Why the certificate an event names could not be downloaded. */
export type WebhookCertificateError = AppError & {
  readonly code: "partner_center_certificate_unavailable";
  readonly details: { readonly url: string; readonly status: number | null; readonly cause: string };
};

/** Downloads the certificate Partner Center signs its event deliveries with. */
export type WebhookCertificates = {
  /**
   * The bytes at `url` (https only, no redirects followed, at most 64 KiB): a certificate (DER or PEM), or the
   * emulator's public key in PEM. Whether the URL may be fetched at all is the caller's decision.
   */
  download(url: URL): Promise<Result<Uint8Array, WebhookCertificateError>>;
  /** Closes idle connections. */
  close(): void;
};

const MAX_BYTES = 64 * 1024;

/**
 * Downloads over HTTPS, trusting the system's roots plus the configured CA (the emulator's), as the adapters do. It
 * reads bytes rather than text: Microsoft's `.cer` may be DER.
 */
export function createWebhookCertificates(
  options: { readonly ca?: string | undefined; readonly timeoutMs?: number } = {},
): WebhookCertificates {
  const agent = new https.Agent({
    keepAlive: true,
    timeout: 4_000,
    ...(options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {}),
  });
  const timeoutMs = options.timeoutMs ?? 10_000;

  function download(url: URL): Promise<Result<Uint8Array, WebhookCertificateError>> {
    const failure = (status: number | null, cause: string) =>
      err<WebhookCertificateError>({
        code: "partner_center_certificate_unavailable",
        message: `The certificate at ${url.origin}${url.pathname} could not be downloaded (${cause}); the delivery is refused until it can be.`,
        retryable: true,
        details: { url: `${url.origin}${url.pathname}`, status, cause },
      });
    if (url.protocol !== "https:") return Promise.resolve(failure(null, "not https"));
    return new Promise((resolve) => {
      const req = https.get(url, { agent, headers: { accept: "*/*" } }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          resolve(failure(status, `HTTP ${status}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_BYTES) {
            req.destroy();
            resolve(failure(status, `larger than ${MAX_BYTES} bytes`));
          } else chunks.push(c);
        });
        res.on("end", () => resolve(ok(new Uint8Array(Buffer.concat(chunks)))));
        res.on("error", () => resolve(failure(status, "response aborted")));
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout")));
      req.on("error", (e: NodeJS.ErrnoException) => resolve(failure(null, e.code ?? e.message)));
    });
  }

  return { download, close: () => agent.destroy() };
}
