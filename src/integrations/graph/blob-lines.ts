import https from "node:https";
import { createInterface } from "node:readline";
import tls from "node:tls";
import { createGunzip } from "node:zlib";

/** Why a blob could not be read: Azure Storage's status and error code (x-ms-error-code), or no answer. */
export class BlobDownloadFailed extends Error {
  override readonly name = "BlobDownloadFailed";
  readonly status: number | null;
  readonly storageCode: string | null;

  constructor(message: string, status: number | null, storageCode: string | null) {
    super(message);
    this.status = status;
    this.storageCode = storageCode;
  }
}

/**
 * The lines of a gzip-compressed JSON Lines blob (the billing export's `compressedJSONLines`), streamed: the blob
 * is never held in memory whole. The URL carries its SAS token, so no bearer token is sent to the storage host.
 * The shared HTTP client reads bodies as text, which would corrupt gzip; hence this small reader of bytes.
 */
export async function* blobLines(
  url: string,
  options: { ca: string | undefined; timeoutMs: number },
): AsyncGenerator<string> {
  const response = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
    const req = https.get(
      url,
      { ...(options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {}), timeout: options.timeoutMs },
      resolve,
    );
    req.on("timeout", () => req.destroy(new BlobDownloadFailed("The blob download timed out.", null, null)));
    req.on("error", (e) =>
      reject(
        e instanceof BlobDownloadFailed
          ? e
          : new BlobDownloadFailed(`The blob download failed: ${e.message}`, null, null),
      ),
    );
  });
  const status = response.statusCode ?? 0;
  if (status !== 200) {
    response.resume();
    const code = response.headers["x-ms-error-code"];
    throw new BlobDownloadFailed(
      `Azure Storage answered ${status}${typeof code === "string" ? ` ${code}` : ""} for a billing export blob.`,
      status,
      typeof code === "string" ? code : null,
    );
  }
  const lines = createInterface({ input: response.pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== "") yield line;
}
