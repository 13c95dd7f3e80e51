import pino, { type Logger, type LoggerOptions } from "pino";
import type { Config } from "./config.ts";

/** Structured JSON logs. Header values that carry secrets are redacted wherever they appear. */
export const redactPaths = [
  "req.headers.cookie",
  "req.headers.authorization",
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  "password",
  "*.password",
  "secret",
  "*.secret",
];

export function loggerOptions(config: Config): LoggerOptions {
  return { level: config.logLevel, redact: { paths: redactPaths, censor: "[redacted]" } };
}

export function createLogger(config: Config, name: string): Logger {
  return pino({ ...loggerOptions(config), name });
}

export type { Logger };
