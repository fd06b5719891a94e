/**
 * The node's HTTP server: the blob endpoint other nodes fetch inputs and results from
 * (`GET/HEAD/PUT /blobs/<sha256>`), the JSON API the CLI and the explorer read, and `/metrics`.
 *
 * Blob uploads are authenticated before a byte of the body is read (signature, then the injected
 * `authorizePut`), streamed to the store, and kept only if the bytes hash to the name in the URL.
 * Everything is read-only otherwise. Bound to loopback unless the operator says otherwise.
 */
import type { Readable } from "node:stream";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import type { Address } from "viem";
import { getAddress, isAddress } from "viem";
import { z } from "zod";
import { BlobError, blobErrorStatus } from "../blobs/BlobError.js";
import { blobPutHeaders } from "../blobs/blobPutMessage.js";
import type { BlobStore } from "../blobs/createBlobStore.js";
import { toBlobHash } from "../blobs/toBlobHash.js";
import { BaseError } from "../errors.js";
import type { NodeLogger } from "../log/createLogger.js";
import type { NodeMetrics } from "../metrics/createMetrics.js";
import type { ApiProviders } from "./ApiProviders.js";
import { verifyBlobPutSignature } from "./verifyBlobPutSignature.js";

export type CreateHttpServerParameters = {
  blobStore: BlobStore;
  /**
   * May this (signature-verified) address store blobs here? The daemon answers from the chain: a
   * registered node, or the requester of a live job. A throw means "cannot tell now" (503).
   */
  authorizePut: (address: Address) => Promise<boolean>;
  providers?: ApiProviders;
  metrics?: NodeMetrics;
  logger?: NodeLogger;
  /** Default `127.0.0.1`. Use `0.0.0.0` only behind a firewall or proxy you trust. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Largest accepted upload. Default: the store's own limit. */
  maxPutBytes?: number;
  /** Longest accepted upload-signature validity. Default 3600 s. */
  maxSignatureValiditySeconds?: number;
  /** A request (upload included) taking longer than this is cut off. Default 300 s. */
  requestTimeoutMs?: number;
  /** `Access-Control-Allow-Origin` for the explorer page; `false` turns CORS off. Default `*`. */
  corsOrigin?: string | false;
  /** Blobs up to this size are read whole and verified before sending; larger ones stream. */
  inlineBlobBytes?: number;
  /** Clock for signature expiry, in unix seconds (tests). */
  nowSeconds?: () => number;
};

export type HttpServer = {
  app: FastifyInstance;
  /** Starts listening and returns the base URL, e.g. `http://127.0.0.1:40123`. */
  listen: () => Promise<string>;
  close: () => Promise<void>;
};

const pageQuery = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};
const uintId = z
  .string()
  .regex(/^\d{1,78}$/, "expected a decimal integer")
  .transform(BigInt);
const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "expected a 0x address")
  .transform((value) => getAddress(value));
const jobsQuery = z.object({ ...pageQuery, requester: address.optional() });
const batchesQuery = z.object({ ...pageQuery, jobId: uintId.optional(), node: address.optional() });
const rewardsQuery = z.object({ address: address.optional() });
const jobParams = z.object({ id: uintId });
const eventsQuery = z.object({
  fromBlock: uintId.default(0n),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  name: z
    .string()
    .regex(/^[A-Za-z]{1,64}$/, "expected an event name")
    .optional(),
});

/**
 * @example
 * const server = createHttpServer({ blobStore, authorizePut: async () => true, providers: { status: () => ({ ok: true }) } });
 * const url = await server.listen(); // http://127.0.0.1:<port>
 */
export function createHttpServer(parameters: CreateHttpServerParameters): HttpServer {
  const { blobStore, authorizePut, metrics, logger } = parameters;
  const providers = parameters.providers ?? {};
  const maxPutBytes = parameters.maxPutBytes ?? blobStore.usage().maxBlobBytes;
  const maxValiditySeconds = parameters.maxSignatureValiditySeconds ?? 3600;
  const corsOrigin = parameters.corsOrigin ?? "*";
  const inlineBlobBytes = parameters.inlineBlobBytes ?? 1024 * 1024;
  const nowSeconds = parameters.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  // The cast only erases which logger type fastify was given; the instance is the same either way.
  const app = Fastify({
    ...(logger ? { loggerInstance: logger.child({ role: "http" }) } : { logger: false }),
    // One line per request would drown the miner's own log; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // Without it a peer trickling bytes could hold a connection (and a quota reservation) forever.
    requestTimeout: parameters.requestTimeoutMs ?? 300_000,
  }) as unknown as FastifyInstance;

  // BigInts (job ids, wei amounts) are common in provider answers and JSON.stringify refuses them.
  app.setReplySerializer((payload) =>
    JSON.stringify(payload, (_key, value) => (typeof value === "bigint" ? value.toString() : value)),
  );

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const { status, body } = toErrorReply(error);
    if (status >= 500 && !(error instanceof BaseError)) {
      request.log.error({ err: error, url: request.url }, "request failed");
    } else if (status >= 500) {
      request.log.warn({ err: error, url: request.url }, error.message);
    }
    if (request.method === "PUT") closeAfterReply(request, reply);
    reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: "Not found", details: { method: request.method, url: request.url } });
  });

  if (corsOrigin !== false) {
    app.addHook("onRequest", async (_request, reply) => {
      reply.header("access-control-allow-origin", corsOrigin);
      reply.header("access-control-expose-headers", "content-length, etag, x-content-sha256");
    });
    app.options("/*", async (_request, reply) => {
      reply
        .header("access-control-allow-methods", "GET, HEAD, PUT, OPTIONS")
        .header(
          "access-control-allow-headers",
          `content-type, ${blobPutHeaders.signer}, ${blobPutHeaders.expiry}, ${blobPutHeaders.signature}`,
        )
        .header("access-control-max-age", "600")
        .status(204)
        .send();
    });
  }

  if (metrics) {
    app.addHook("onResponse", async (request, reply) => {
      metrics.httpRequests.inc({
        route: request.routeOptions.url ?? "unmatched",
        method: request.method,
        status: String(reply.statusCode),
      });
    });
  }

  app.register(async (blobs) => {
    // Upload bodies go to the store as a stream: no JSON parsing, no buffering of large blobs.
    blobs.removeAllContentTypeParsers();
    blobs.addContentTypeParser("*", (_request, payload, done) => done(null, payload));

    blobs.get("/blobs/:hash", { exposeHeadRoute: false }, async (request, reply) => {
      const hash = toBlobHash((request.params as { hash: string }).hash);
      const stat = await blobStore.stat(hash);
      if (stat === undefined) throw notFound(hash);
      setBlobHeaders(reply, hash);
      if (stat.size <= inlineBlobBytes) {
        const bytes = await blobStore.get(hash);
        metrics?.blobTransferBytes.inc({ direction: "out" }, bytes.byteLength);
        return reply
          .header("content-length", bytes.byteLength)
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }
      const { size, stream } = await blobStore.open(hash);
      metrics?.blobTransferBytes.inc({ direction: "out" }, size);
      return reply.header("content-length", size).send(stream);
    });

    blobs.head("/blobs/:hash", async (request, reply) => {
      const hash = toBlobHash((request.params as { hash: string }).hash);
      const stat = await blobStore.stat(hash);
      if (stat === undefined) return reply.status(404).send();
      setBlobHeaders(reply, hash);
      return reply.header("content-length", stat.size).send();
    });

    blobs.put(
      "/blobs/:hash",
      {
        // Runs before the body is parsed: an unauthorised or oversized upload is refused unread.
        onRequest: async (request) => {
          const hash = toBlobHash((request.params as { hash: string }).hash);
          const signer = await verifyBlobPutSignature({
            hash,
            signer: request.headers[blobPutHeaders.signer],
            expiry: request.headers[blobPutHeaders.expiry],
            signature: request.headers[blobPutHeaders.signature],
            nowSeconds: nowSeconds(),
            maxValiditySeconds,
          });
          let allowed: boolean;
          try {
            allowed = await authorizePut(signer);
          } catch (cause) {
            throw new BaseError("Could not check whether the signer may upload; try again", {
              cause,
              retryable: true,
              code: "BLOB_PUT_AUTH_UNAVAILABLE",
              details: { signer },
            });
          }
          if (!allowed) {
            throw new BlobError(
              "BLOB_PUT_FORBIDDEN",
              "Signer may not upload here: only registered nodes and requesters of live jobs can",
              { details: { signer } },
            );
          }
          const declared = request.headers["content-length"];
          if (declared !== undefined) {
            const size = Number(declared);
            if (size > maxPutBytes) {
              throw new BlobError("BLOB_TOO_LARGE", "Blob is larger than this node accepts", {
                details: { size, maxBytes: maxPutBytes },
              });
            }
            if (!blobStore.canAccept(size)) {
              const usage = blobStore.usage();
              throw new BlobError("BLOB_QUOTA_EXCEEDED", "This node's blob store is full; try another node or later", {
                details: { size, usedBytes: usage.bytes, quotaBytes: usage.quotaBytes },
                retryable: true,
              });
            }
          }
          request.log.debug({ hash, signer }, "blob upload authorised");
        },
      },
      async (request, reply) => {
        const hash = toBlobHash((request.params as { hash: string }).hash);
        const body = request.body as Readable | undefined;
        // Not destroyed on an early stop, so the error reply can still go out on the socket.
        const source = body === undefined ? new Uint8Array(0) : body.iterator({ destroyOnReturn: false });
        const result = await blobStore.put(limitBytes(source, maxPutBytes), { expectedHash: hash });
        metrics?.blobTransferBytes.inc({ direction: "in" }, result.size);
        return reply.status(result.created ? 201 : 200).send({ hash: result.hash, size: result.size });
      },
    );
  });

  app.get("/metrics", async (_request, reply) => {
    if (!metrics) throw notWired("metrics");
    const text = await metrics.registry.metrics();
    return reply.header("content-type", metrics.registry.contentType).send(text);
  });

  app.get("/status", async () => {
    if (!providers.status) throw notWired("status");
    return providers.status();
  });

  app.get("/jobs", async (request) => {
    if (!providers.jobs) throw notWired("jobs");
    return providers.jobs(parse(jobsQuery, request.query, "query"));
  });

  app.get("/jobs/:id", async (request) => {
    if (!providers.job) throw notWired("job");
    const { id } = parse(jobParams, request.params, "job id");
    const job = await providers.job(id);
    if (job === undefined) {
      throw new BaseError("No such job", { code: "NOT_FOUND", details: { id: id.toString() } });
    }
    return job;
  });

  app.get("/batches", async (request) => {
    if (!providers.batches) throw notWired("batches");
    return providers.batches(parse(batchesQuery, request.query, "query"));
  });

  app.get("/rewards", async (request) => {
    if (!providers.rewards) throw notWired("rewards");
    return providers.rewards(parse(rewardsQuery, request.query, "query"));
  });

  app.get("/events", async (request) => {
    if (!providers.events) throw notWired("events");
    return providers.events(parse(eventsQuery, request.query, "query"));
  });

  return {
    app,
    listen: () => app.listen({ host: parameters.host ?? "127.0.0.1", port: parameters.port ?? 0 }),
    close: () => app.close(),
  };
}

function setBlobHeaders(reply: FastifyReply, hash: string) {
  reply
    .header("content-type", "application/octet-stream")
    .header("etag", `"${hash}"`)
    .header("x-content-sha256", hash)
    // A name is a hash of the content: the bytes behind it can never change.
    .header("cache-control", "public, max-age=31536000, immutable");
}

function notFound(hash: string): BlobError {
  return new BlobError("BLOB_NOT_FOUND", "Blob not found on this node", { details: { hash } });
}

function notWired(what: string): BaseError {
  return new BaseError(`This node does not serve ${what}`, { code: "NOT_IMPLEMENTED", details: { what } });
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BaseError(`Invalid ${what}`, {
    code: "BAD_REQUEST",
    details: { issues: result.error.issues.map((issue) => `${issue.path.join(".") || what}: ${issue.message}`) },
  });
}

/** Stops a body that turns out larger than announced (or chunked with no length) at the limit. */
async function* limitBytes(source: Uint8Array | AsyncIterable<Uint8Array>, maxBytes: number) {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new BlobError("BLOB_TOO_LARGE", "Blob is larger than this node accepts", { details: { size, maxBytes } });
    }
    yield chunk;
  }
}

/**
 * After a refused upload the rest of the body is unwanted: ask the client to close, and drain what
 * is already arriving so the refusal is delivered rather than lost in a reset.
 */
function closeAfterReply(request: FastifyRequest, reply: FastifyReply) {
  if (!request.raw.complete) {
    reply.header("connection", "close");
    request.raw.resume();
  }
}

const statusByCode: Record<string, number> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  NOT_IMPLEMENTED: 501,
};

function toErrorReply(error: FastifyError | Error): { status: number; body: Record<string, unknown> } {
  if (error instanceof BlobError) {
    return {
      status: blobErrorStatus[error.code],
      body: { error: error.message, code: error.code, details: error.details },
    };
  }
  if (error instanceof BaseError) {
    const status = (error.code && statusByCode[error.code]) || (error.retryable ? 503 : 500);
    return { status, body: { error: error.message, code: error.code, details: error.details } };
  }
  const statusCode = (error as FastifyError).statusCode;
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, body: { error: error.message, code: (error as FastifyError).code, details: {} } };
  }
  return { status: 500, body: { error: "Internal error; see the node's log", details: {} } };
}
