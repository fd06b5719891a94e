/**
 * Validates a job spec: the schema first, then what the schema alone cannot see (the pinned
 * engine version, item ranges against the named dataset, model shapes against the data,
 * checkpoint spacing). Every problem is reported with the field it is about.
 */
import { ENGINE_VERSION, type ModelSpec, forwardFlops } from "../engine/index.js";
import { DATASETS, type DatasetInfo } from "../data/datasets.js";
import { type DatasetRef, type JobSpec, jobSpecSchema, optimizerSchema } from "./schema.js";
import { SpecError, type SpecIssue, fieldPath } from "./SpecError.js";
import { transformShape } from "./transformShape.js";

export function parseSpec(input: unknown): JobSpec {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new SpecError([{ field: "spec", message: "expected a JSON object" }]);
  }
  const engine = (input as { engine?: unknown }).engine;
  if (typeof engine === "string" && engine !== ENGINE_VERSION) {
    throw new SpecError([
      {
        field: "spec.engine",
        message: `the spec pins engine "${engine}" but this runtime runs "${ENGINE_VERSION}" and cannot reproduce other versions bit for bit`,
      },
    ]);
  }
  const parsed = jobSpecSchema.safeParse(input);
  if (!parsed.success) {
    throw new SpecError(parsed.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message })));
  }
  const spec = parsed.data;
  const issues: SpecIssue[] = [];
  const add = (path: PropertyKey[], message: string) => issues.push({ field: fieldPath(path), message });

  const info = checkDataset(spec.dataset, ["dataset"], add);
  switch (spec.kind) {
    case "train": {
      if (spec.stepsPerUnit % spec.checkpoints !== 0) {
        add(["checkpoints"], `must divide stepsPerUnit (${spec.stepsPerUnit})`);
      }
      if (info) checkModel(spec.model, info, ["model"], add);
      if (spec.eval) {
        if (spec.eval.id !== spec.dataset.id) add(["eval", "id"], `must be the training dataset "${spec.dataset.id}"`);
        else checkDataset(spec.eval, ["eval"], add);
      }
      spec.chains.forEach((chain, c) => {
        if (!chain.optimizer) return;
        const merged = optimizerSchema.safeParse({ ...spec.optimizer, ...chain.optimizer });
        if (!merged.success) {
          for (const i of merged.error.issues) {
            const key = i.code === "unrecognized_keys" ? i.keys[0] : undefined;
            add(
              ["chains", c, "optimizer", ...(key ? [key] : i.path)],
              key ? `not a field of the ${spec.optimizer.kind} optimizer` : i.message,
            );
          }
        }
      });
      break;
    }
    case "infer":
      if (info) checkModel(spec.model.arch, info, ["model", "arch"], add);
      if (spec.itemShape && info && product(spec.itemShape) !== product(info.itemShape)) {
        add(["itemShape"], `must hold ${product(info.itemShape)} values like a ${spec.dataset.id} item`);
      }
      if (spec.mode === "exact" && spec.tolerance) add(["tolerance"], "only allowed in tolerant mode");
      break;
    case "data": {
      let shape = info ? [...info.itemShape] : undefined;
      spec.transforms.forEach((t, i) => {
        if (!shape) return;
        if (
          t.op === "avgPool" &&
          (shape.length !== 3 || (shape[1] as number) < t.size || (shape[2] as number) < t.size)
        ) {
          add(["transforms", i, "size"], `cannot pool items of shape [${shape.join(", ")}] by ${t.size}`);
          shape = undefined;
          return;
        }
        if (t.op === "embed") {
          const model = t.model as ModelSpec;
          const wanted = model.kind === "mlp" ? [model.inputSize] : model.inputShape;
          if (product(wanted) !== product(shape) || (model.kind === "cnn" && wanted.join(",") !== shape.join(","))) {
            add(
              ["transforms", i, "model"],
              `takes items of shape [${wanted.join(", ")}] but gets [${shape.join(", ")}]`,
            );
            shape = undefined;
            return;
          }
          if ((t.layer ?? "penultimate") === "penultimate" && model.kind === "mlp" && model.layerNorm) {
            add(
              ["transforms", i, "layer"],
              'penultimate embeddings of layer-normed MLPs are not supported; use "logits"',
            );
          }
          try {
            forwardFlops(model);
          } catch (err) {
            add(["transforms", i, "model"], `the engine cannot build this model: ${(err as Error).message}`);
          }
        }
        shape = transformShape(t, shape);
      });
      break;
    }
  }
  if (issues.length > 0) throw new SpecError(issues);
  return spec;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkDataset(
  ref: DatasetRef,
  path: PropertyKey[],
  add: (path: PropertyKey[], message: string) => void,
): DatasetInfo | undefined {
  const info = DATASETS[ref.id];
  if (!info) {
    add([...path, "id"], `unknown dataset "${ref.id}" (known: ${Object.keys(DATASETS).join(", ")})`);
    return undefined;
  }
  const size = info.sizes[ref.split];
  const start = ref.start ?? 0;
  const end = ref.end ?? size;
  if (end > size) add([...path, "end"], `the ${ref.split} split of ${ref.id} has ${size} items`);
  else if (start >= end) add([...path, "start"], `must be below end (${end})`);
  return info;
}

function checkModel(
  model: ModelSpec,
  info: DatasetInfo,
  path: PropertyKey[],
  add: (path: PropertyKey[], message: string) => void,
): void {
  if (model.kind === "mlp" && model.inputSize !== product(info.itemShape)) {
    add([...path, "inputSize"], `must be ${product(info.itemShape)} for ${info.id} items`);
  }
  if (model.kind === "cnn" && model.inputShape.join(",") !== info.itemShape.join(",")) {
    add([...path, "inputShape"], `must be [${info.itemShape.join(", ")}] for ${info.id} items`);
  }
  if (model.classes !== info.classes) add([...path, "classes"], `must be ${info.classes} for ${info.id}`);
  try {
    forwardFlops(model);
  } catch (err) {
    add(path, `the engine cannot build this model: ${(err as Error).message}`);
  }
}
