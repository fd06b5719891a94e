/**
 * The daemon's one options object. Sources merge field by field, strongest first: CLI flags, then
 * `MAI_*` environment variables, then the YAML config file, then defaults; zod validates the result
 * so every role reads typed, checked values and a bad value is reported once, by field name.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { BaseError } from "../errors.js";

export const nodeRoles = ["miner", "auditor", "keeper"] as const;
export type NodeRole = (typeof nodeRoles)[number];

const hexKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, {
  message: "expected a 32-byte hex private key (0x + 64 hex)",
});
const bigintLike = z.union([z.bigint(), z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(BigInt);

export const nodeOptionsSchema = z
  .object({
    rpcUrl: z.string().url(),
    /** Directory holding `<chainId>.json` deployment files. */
    deploymentDir: z.string().min(1),
    /** Chain id of the deployment to load; the RPC's chain id when absent. */
    chainId: z.number().int().positive().optional(),
    roles: z.array(z.enum(nodeRoles)).min(1),
    dataDir: z.string().min(1),
    /** Hot node key (devnet: `MAI_NODE_KEY`); else a keystore. */
    nodeKey: hexKey.optional(),
    /** Cold owner key, only on a devnet: lets the daemon stake, register and withdraw for its owner. */
    ownerKey: hexKey.optional(),
    keystore: z.string().optional(),
    keystorePasswordEnv: z.string().default("MAI_KEYSTORE_PASSWORD"),
    /** Blocks on top of a log before the node's event history (API `/events`) records it. */
    confirmations: z.number().int().min(0).max(64).default(2),
    /**
     * The node stops acting (no leases, commits, reveals) while the chain head is older than this
     * many seconds: a stalled RPC or chain must not make it miss windows blindly. 0 never pauses
     * (a chain that only mines on demand, such as plain `anvil`).
     */
    staleHeadSeconds: z.number().int().min(0).max(86_400).default(300),
    /** Least price per compute unit (MAI wei) the miner accepts. */
    minPricePerCU: bigintLike.default(0n),
    /**
     * Most leased batches the miner holds not yet committed (it also takes only what it can compute
     * before each lease ends, from its measured speed, and what its free stake covers).
     */
    maxConcurrentWork: z.number().int().min(1).max(64).default(16),
    /**
     * Blocks a batch stays open before this miner leases it: fresh batches are left to other nodes
     * (a backup node; the devnet's honest nodes, so that its cheaters surely get work to be caught on).
     */
    leaseDelayBlocks: z.number().int().min(0).max(10_000).default(0),
    httpHost: z.string().default("127.0.0.1"),
    /** 0 picks a free port. */
    httpPort: z.number().int().min(0).max(65535).default(0),
    /** URL other nodes use to reach this one (registry metadata); defaults to the listening URL. */
    publicUrl: z.string().url().optional(),
    maxBlobBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    blobQuotaBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024 * 1024),
    /** Minutes between blob garbage collections (run by the keeper role); 0 turns them off. */
    blobGcIntervalMinutes: z.number().int().min(0).max(10_080).default(30),
    /**
     * Minutes a blob is kept after it was written, and a final job's blobs after the job turned
     * final, whatever else says (uploads not yet tied to a scanned job, requesters fetching results).
     */
    blobGcGraceMinutes: z.number().int().min(1).max(525_600).default(1440),
    /** Extra blob endpoints to fetch specs and inputs from (a requester's server). */
    blobPeers: z.array(z.string().url()).default([]),
    logFormat: z.enum(["pretty", "json"]).default("json"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    pollIntervalMs: z.number().int().min(50).max(60_000).default(1000),
    /** Registration (devnet, with an owner key): stake to bond when not registered yet (MAI wei). */
    stake: bigintLike.default(100n * 10n ** 18n),
    deviceClass: z.enum(["CPU", "EDGE", "SERVER", "GPU"]).default("CPU"),
    /** Registration: CU per second this node sustains; measured with the device benchmark when absent. */
    capacityCUps: z.number().int().min(1).optional(),
    /** Devnet only: return fake results (for demos and tests of the audit path). */
    cheat: z.boolean().default(false),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.nodeKey && !o.keystore) {
      ctx.addIssue({
        code: "custom",
        path: ["nodeKey"],
        message: "no node key: set MAI_NODE_KEY or --keystore",
      });
    }
  });

export type NodeOptions = z.output<typeof nodeOptionsSchema>;
export type NodeOptionsInput = z.input<typeof nodeOptionsSchema>;

export type BuildOptionsParameters = {
  /** Parsed CLI flags (undefined members are ignored). */
  flags?: Partial<Record<keyof NodeOptionsInput, unknown>> & {
    config?: string;
  };
  /** Environment, `process.env` by default. */
  env?: NodeJS.ProcessEnv;
};

const envMap: Record<string, keyof NodeOptionsInput> = {
  MAI_RPC_URL: "rpcUrl",
  MAI_DEPLOYMENT_DIR: "deploymentDir",
  MAI_CHAIN_ID: "chainId",
  MAI_ROLES: "roles",
  MAI_DATA_DIR: "dataDir",
  MAI_NODE_KEY: "nodeKey",
  MAI_OWNER_KEY: "ownerKey",
  MAI_KEYSTORE: "keystore",
  MAI_CONFIRMATIONS: "confirmations",
  MAI_STALE_HEAD_SECONDS: "staleHeadSeconds",
  MAI_MIN_PRICE_PER_CU: "minPricePerCU",
  MAI_MAX_CONCURRENT_WORK: "maxConcurrentWork",
  MAI_LEASE_DELAY_BLOCKS: "leaseDelayBlocks",
  MAI_HTTP_HOST: "httpHost",
  MAI_HTTP_PORT: "httpPort",
  MAI_PUBLIC_URL: "publicUrl",
  MAI_BLOB_PEERS: "blobPeers",
  MAI_BLOB_GC_INTERVAL_MINUTES: "blobGcIntervalMinutes",
  MAI_BLOB_GC_GRACE_MINUTES: "blobGcGraceMinutes",
  MAI_LOG_FORMAT: "logFormat",
  MAI_LOG_LEVEL: "logLevel",
  MAI_CHEAT: "cheat",
  MAI_CAPACITY_CUPS: "capacityCUps",
};

const numberFields = new Set<string>([
  "chainId",
  "confirmations",
  "staleHeadSeconds",
  "maxConcurrentWork",
  "leaseDelayBlocks",
  "httpPort",
  "maxBlobBytes",
  "blobQuotaBytes",
  "blobGcIntervalMinutes",
  "blobGcGraceMinutes",
  "pollIntervalMs",
  "capacityCUps",
]);
const listFields = new Set<string>(["roles", "blobPeers"]);

/** Text from env or flags into the schema's shape (numbers, lists, booleans). */
function coerce(field: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (numberFields.has(field) && /^-?\d+$/.test(value.trim())) return Number(value);
  if (listFields.has(field))
    return value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  if (field === "cheat") return value === "1" || value === "true";
  return value;
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, coerce(k, v)]),
  );
}

/**
 * Merges flags > env > config file > defaults and validates.
 * @example
 * const options = buildOptions({ flags: { config: "node.yaml", roles: "miner,keeper" } });
 */
export function buildOptions(parameters: BuildOptionsParameters = {}): NodeOptions {
  const { config, ...flags } = parameters.flags ?? {};
  const env = parameters.env ?? process.env;
  const configFile = config ?? env.MAI_CONFIG;
  let fromFile: Record<string, unknown> = {};
  if (configFile) {
    let text: string;
    try {
      text = readFileSync(configFile, "utf8");
    } catch (cause) {
      throw new BaseError(`cannot read the config file ${configFile}: check the path`, { cause, code: "CONFIG_READ" });
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (cause) {
      throw new BaseError(`the config file ${configFile} is not valid YAML: ${(cause as Error).message}`, {
        cause,
        code: "CONFIG_YAML",
      });
    }
    if (parsed !== null && parsed !== undefined && (typeof parsed !== "object" || Array.isArray(parsed))) {
      throw new BaseError(`the config file ${configFile} must hold a mapping of option names to values`, {
        code: "CONFIG_YAML",
      });
    }
    fromFile = defined((parsed ?? {}) as Record<string, unknown>);
    // Relative paths in a config file are relative to the file, not to the caller's directory.
    for (const key of ["dataDir", "deploymentDir", "keystore"] as const) {
      const v = fromFile[key];
      if (typeof v === "string" && !path.isAbsolute(v)) fromFile[key] = path.resolve(path.dirname(configFile), v);
    }
  }
  const fromEnv = defined(Object.fromEntries(Object.entries(envMap).map(([name, key]) => [key, env[name]])));
  const merged = {
    ...fromFile,
    ...fromEnv,
    ...defined(flags as Record<string, unknown>),
  };
  const result = nodeOptionsSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join(".") || "(options)"}: ${i.message}`);
    throw new BaseError(`invalid node options: ${lines.join("; ")}`, {
      code: "CONFIG_INVALID",
      details: { issues: lines },
    });
  }
  return result.data;
}
