/**
 * The node's logger: pino, as JSON lines for machines or pretty-printed for people. Pretty output
 * runs pino-pretty as an in-process stream rather than a worker transport, so a log line is
 * written before the process can exit and no extra thread competes with the miner for CPU.
 * Components log through `logger.child({ role })` so every line says which role wrote it.
 */
import { type DestinationStream, type Level, type Logger, pino } from "pino";
import pretty from "pino-pretty";
import { BaseError } from "../errors.js";

export const logFormats = ["pretty", "json"] as const;
export type LogFormat = (typeof logFormats)[number];
export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = Level | "silent";

export type CreateLoggerParameters = {
  /** `--log-format`: `json` (default, one object per line) or `pretty`. */
  format?: string;
  /** `--log-level`. Default `info`. */
  level?: string;
  /** Where lines go. Default stdout. */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Fields on every line, e.g. `{ node: "miner-1" }`. */
  base?: Record<string, unknown>;
  /** Colours in pretty output. Default: when the destination is a TTY. */
  colorize?: boolean;
};

export type NodeLogger = Logger;

// Secrets the node handles (hot key, keystore password) must never reach a log, whatever object
// a caller passes in.
const redact = ["privateKey", "password", "mnemonic", "*.privateKey", "*.password", "*.mnemonic"];

/**
 * @example
 * const logger = createLogger({ format: "pretty", level: "debug" });
 * logger.child({ role: "miner" }).info({ jobId: 3 }, "leased batch");
 */
export function createLogger(parameters: CreateLoggerParameters = {}): NodeLogger {
  const format = parameters.format ?? "json";
  if (!(logFormats as readonly string[]).includes(format)) {
    throw new BaseError(`Unknown log format "${format}"; use --log-format pretty or --log-format json`, {
      details: { format, allowed: logFormats },
      code: "LOG_BAD_FORMAT",
    });
  }
  const level = parameters.level ?? "info";
  if (!(logLevels as readonly string[]).includes(level)) {
    throw new BaseError(`Unknown log level "${level}"; use one of ${logLevels.join(", ")}`, {
      details: { level, allowed: logLevels },
      code: "LOG_BAD_LEVEL",
    });
  }
  const options = { level, base: parameters.base ?? {}, redact, timestamp: pino.stdTimeFunctions.isoTime };
  const destination = parameters.destination ?? process.stdout;
  if (format === "json") return pino(options, destination);
  const colorize = parameters.colorize ?? (destination === process.stdout && process.stdout.isTTY === true);
  const stream = pretty({
    destination,
    colorize,
    sync: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname",
    messageFormat: "{if role}[{role}] {end}{msg}",
  });
  return pino(options, stream);
}
