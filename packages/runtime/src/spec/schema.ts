/**
 * Job spec schema (zod). A spec is the whole description of a job: with the runtime version it
 * pins, it determines every result bit, so its hash (`specHash`) is what the chain records.
 * Field limits keep a malicious spec from asking a node for unbounded memory or time.
 */
import { z } from "zod";

/** Message that says "required" for a missing field and what was expected otherwise. */
const expected = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `required (${what})` : `expected ${what}`;

const posInt = (max: number) =>
  z
    .number({ error: expected("positive integer") })
    .int({ error: "expected positive integer" })
    .positive({ error: "expected positive integer" })
    .max(max, { error: `expected positive integer at most ${max}` });
const nonNegInt = (max: number) =>
  z
    .number({ error: expected("non-negative integer") })
    .int({ error: "expected non-negative integer" })
    .min(0, { error: "expected non-negative integer" })
    .max(max, { error: `expected non-negative integer at most ${max}` });
const u32 = nonNegInt(0xffffffff);
const unitInterval = z
  .number({ error: expected("number in [0, 1)") })
  .min(0, { error: "expected number in [0, 1)" })
  .lt(1, { error: "expected number in [0, 1)" });
const positive = (max: number) =>
  z
    .number({ error: expected("positive number") })
    .positive({ error: "expected positive number" })
    .max(max, { error: `expected positive number at most ${max}` });
const finite = z
  .number({ error: expected("finite number") })
  .refine(Number.isFinite, { error: "expected finite number" });

export const activationSchema = z.enum(["relu", "gelu", "tanh", "sigmoid"]);

export const mlpSchema = z.strictObject({
  kind: z.literal("mlp"),
  inputSize: posInt(1 << 20),
  hidden: z.array(posInt(8192)).max(16),
  classes: posInt(100_000).min(2, { error: "expected at least 2 classes" }),
  activation: activationSchema,
  layerNorm: z.boolean().optional(),
});

export const convLayerSchema = z.strictObject({
  filters: posInt(2048),
  kernel: posInt(15),
  stride: posInt(8).optional(),
  padding: nonNegInt(15).optional(),
});

export const cnnSchema = z.strictObject({
  kind: z.literal("cnn"),
  inputShape: z.tuple([posInt(4096), posInt(4096), posInt(4096)]),
  conv: z.array(convLayerSchema).min(1, { error: "expected at least one conv layer" }).max(16),
  pool: z.enum(["max", "avg"]),
  hidden: z.array(posInt(8192)).max(16),
  classes: posInt(100_000).min(2, { error: "expected at least 2 classes" }),
  activation: activationSchema,
});

export const modelSchema = z.discriminatedUnion("kind", [mlpSchema, cnnSchema]);

export const sgdSchema = z.strictObject({ kind: z.literal("sgd"), lr: positive(10), momentum: unitInterval });
export const adamSchema = z.strictObject({
  kind: z.literal("adam"),
  lr: positive(10),
  beta1: unitInterval,
  beta2: unitInterval,
  eps: positive(1),
});
export const optimizerSchema = z.discriminatedUnion("kind", [sgdSchema, adamSchema]);

/** Per-chain changes to the job's optimizer (e.g. a learning-rate sweep); kind cannot change. */
export const optimizerOverrideSchema = z.strictObject({
  lr: positive(10).optional(),
  momentum: unitInterval.optional(),
  beta1: unitInterval.optional(),
  beta2: unitInterval.optional(),
  eps: positive(1).optional(),
});

export const datasetRefSchema = z.strictObject({
  id: z.string({ error: expected('dataset id such as "mnist-v1"') }),
  split: z.enum(["train", "test"]),
  /** First item (inclusive); default 0. */
  start: nonNegInt(1 << 30).optional(),
  /** Last item (exclusive); default the split's size. */
  end: posInt(1 << 30).optional(),
});

const header = {
  version: z.literal(1, { error: "expected 1" }),
  engine: z.string({ error: expected("engine version string") }),
};

export const chainSchema = z.strictObject({
  optimizer: optimizerOverrideSchema.optional(),
  /** Seed of this chain (weights init and data order); default the job seed. */
  seed: u32.optional(),
});

export const trainSpecSchema = z.strictObject({
  ...header,
  kind: z.literal("train"),
  seed: u32,
  dataset: datasetRefSchema,
  model: modelSchema,
  optimizer: optimizerSchema,
  batchSize: posInt(4096),
  /** S: optimizer steps per unit. */
  stepsPerUnit: posInt(1_000_000),
  /** K: checkpoints after the start of a unit (one every S/K steps); K must divide S. */
  checkpoints: posInt(1024),
  unitsPerChain: posInt(100_000),
  chains: z.array(chainSchema).min(1, { error: "expected at least one chain" }).max(1024),
  /** Held-out items the final state of each chain is scored on (reported, not part of the root). */
  eval: datasetRefSchema.optional(),
});

export const inferSpecSchema = z.strictObject({
  ...header,
  kind: z.literal("infer"),
  mode: z.enum(["exact", "tolerant"]),
  /** Tolerant mode only: |a-b| <= abs + rel·|b| per output value. */
  tolerance: z.strictObject({ abs: z.number().min(0), rel: z.number().min(0) }).optional(),
  model: z.strictObject({
    /** Path of the ONNX file, relative to the spec file. */
    onnx: z.string({ error: expected("path of an .onnx file") }).min(1),
    /** sha256 of the ONNX bytes (0x + 64 hex); checked before running when present. */
    sha256: z
      .string()
      .regex(/^0x[0-9a-f]{64}$/, { error: "expected 0x followed by 64 lowercase hex digits" })
      .optional(),
    /** Engine architecture the ONNX graph was exported from; it makes the CU count a pure function of the spec. */
    arch: modelSchema,
  }),
  dataset: datasetRefSchema,
  itemsPerUnit: posInt(1 << 20),
  /** Name of the graph input; default the model's first input. */
  inputName: z.string().min(1).optional(),
  /** Shape of one item as the model wants it; default the dataset's item shape. */
  itemShape: z
    .array(posInt(1 << 20))
    .min(1)
    .max(8)
    .optional(),
});

export const transformSchema = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("normalize"), mean: finite, std: positive(1e6) }),
  z.strictObject({ op: z.literal("avgPool"), size: posInt(64) }),
  z.strictObject({
    op: z.literal("embed"),
    model: modelSchema,
    /** Seed of the embedding model's weights; default the job seed. */
    seed: u32.optional(),
    layer: z.enum(["penultimate", "logits"]).optional(),
  }),
]);

export const dataSpecSchema = z.strictObject({
  ...header,
  kind: z.literal("data"),
  seed: u32,
  dataset: datasetRefSchema,
  itemsPerUnit: posInt(1 << 20),
  transforms: z.array(transformSchema).min(1, { error: "expected at least one transform" }).max(16),
  /** Drop items whose input content hash already occurred earlier in the same unit. */
  dedup: z.boolean().optional(),
});

export const jobSpecSchema = z.discriminatedUnion("kind", [trainSpecSchema, inferSpecSchema, dataSpecSchema]);

export type TrainSpec = z.infer<typeof trainSpecSchema>;
export type InferSpec = z.infer<typeof inferSpecSchema>;
export type DataSpec = z.infer<typeof dataSpecSchema>;
export type JobSpec = z.infer<typeof jobSpecSchema>;
export type DatasetRef = z.infer<typeof datasetRefSchema>;
export type Transform = z.infer<typeof transformSchema>;
