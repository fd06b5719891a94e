import type { Hex } from "../engine/index.js";
import { decodeCheckpoint } from "../hash/checkpoint.js";
import { sha256 } from "../hash/sha256.js";
import { exportOnnx } from "../onnx/exportOnnx.js";
import type { TrainSpec } from "../spec/schema.js";
import { runTrainJob } from "./runTrainJob.js";

export interface TrainAndExportReturnType {
  onnx: Uint8Array;
  sha256: Hex;
  resultRoot: Hex;
  unitRoots: Hex[];
  accuracy?: number;
}

/**
 * Trains a job and exports one chain's final weights as ONNX: how a model trained on the network
 * becomes the model of an `infer` job. Training and export are both deterministic, so the ONNX
 * bytes (and the hash an infer spec pins) are a function of the train spec.
 */
export function trainAndExport(spec: TrainSpec, chain = 0): TrainAndExportReturnType {
  let final: Uint8Array | undefined;
  const job = runTrainJob(spec, {
    keepCheckpoints: false,
    onUnit: (u) => {
      if (u.chain === chain && u.unit === spec.unitsPerChain - 1) final = u.checkpoints[spec.checkpoints];
    },
  });
  if (!final) throw new RangeError(`chain ${chain} outside 0..${spec.chains.length - 1}`);
  const onnx = exportOnnx(spec.model, decodeCheckpoint(final).state.params);
  const accuracy = job.chains[chain]?.accuracy;
  return {
    onnx,
    sha256: sha256(onnx),
    resultRoot: job.resultRoot,
    unitRoots: job.unitRoots,
    ...(accuracy !== undefined ? { accuracy } : {}),
  };
}
