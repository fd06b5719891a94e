import { jobMarketAbi, merkleRoot } from "@maitoken/protocol";
import { type JobSpec, type Tensor, parseSpec, runTrainJob, runUnit, specHash } from "@maitoken/runtime";
import type { Address, Hex } from "viem";
import type { SdkClients } from "./createSdkClients.js";
import { fetchBatchOutputs } from "./fetchBatchOutputs.js";
import { BatchFlags } from "../daemon/BatchState.js";
import { type BatchStateName, batchRef, getJobStatus } from "./getJobStatus.js";
import { jobLayout } from "./jobLayout.js";
import { SdkError } from "./SdkError.js";
import { toRuntimeUnit } from "./toRuntimeUnit.js";

export type GetResultsParameters = {
  /** The job's spec: needed to verify by re-execution; its hash must be the job's `specHash`. */
  spec?: JobSpec | unknown;
  /** Infer jobs: the ONNX model bytes. */
  modelBytes?: Uint8Array;
  /** Re-execute this many accepted batches locally and check them against the on-chain roots (default 0). */
  verifyBatches?: number;
  /** Download every accepted batch's result from its miner and prove it against the on-chain root. */
  fetchOutputs?: boolean;
};

export type BatchResult = {
  index: number;
  state: BatchStateName;
  node: Address;
  /**
   * The revealed result root (index-bound Merkle root over the batch's unit roots), once revealed.
   * Undefined for a batch whose primary was slashed: the root it revealed is wrong.
   */
  resultRoot: Hex | undefined;
  /**
   * Accepted after the primary lost a dispute over it: the auditor's result was upheld and paid, for
   * the one unit the auditor re-executed. With `fetchOutputs`, that unit's outputs come from the
   * auditor; the batch's other units have no valid result (re-post them).
   */
  primarySlashed?: boolean;
  /** The unit result roots this SDK computed for the batch, when it re-executed it. */
  unitRoots?: Hex[];
  /** true: re-executed and equal to the on-chain root; undefined: not checked. */
  verified?: boolean;
  /** With `fetchOutputs`: each unit's output rows (infer/data), proved against the on-chain root. */
  outputs?: { unit: number; output: Tensor }[];
  /**
   * With `fetchOutputs`: why this accepted batch's outputs could not be fetched or proved (its miner
   * is offline, or was slashed for it and serves rows that do not prove). The other batches' outputs
   * are still returned; re-post the missing rows or re-execute them locally.
   */
  outputsError?: string;
};

export type GetResultsReturnType = {
  jobId: bigint;
  done: boolean;
  batches: BatchResult[];
  /** Number of batches re-executed and found equal. */
  verified: number;
  /** With `fetchOutputs`: accepted batches whose outputs could not be proved (see `outputsError`). */
  unproved: number;
};

const REVEALED: ReadonlySet<BatchStateName> = new Set(["Revealed", "Disputed", "Verified", "Accepted"]);

/**
 * A job's results as the chain records them (each batch's revealed result root), optionally
 * verified by re-executing batches with the deterministic runtime: the only trust needed is in the
 * spec and the engine. Throws `RESULT_MISMATCH` if an accepted root differs from the recomputed one.
 * @example
 * const results = await getResults(clients, jobId, { spec, modelBytes, verifyBatches: 2 });
 * console.log(results.batches.map((b) => b.resultRoot));
 */
export async function getResults(
  clients: SdkClients,
  jobId: bigint,
  parameters: GetResultsParameters = {},
): Promise<GetResultsReturnType> {
  const status = await getJobStatus(clients, jobId);
  const batches: BatchResult[] = await Promise.all(
    status.batchStates.map(async (b) => {
      let resultRoot: Hex | undefined;
      let primarySlashed: boolean | undefined;
      if (REVEALED.has(b.state)) {
        const view = await clients.publicClient.readContract({
          address: clients.deployment.contracts.jobMarket,
          abi: jobMarketAbi,
          functionName: "getBatch",
          args: [batchRef(jobId, b.index)],
        });
        if ((view.flags & BatchFlags.PRIMARY_SLASHED) !== 0n) primarySlashed = true;
        else resultRoot = view.digest;
      }
      return {
        index: b.index,
        state: b.state,
        node: b.node,
        resultRoot,
        ...(primarySlashed ? { primarySlashed } : {}),
      };
    }),
  );
  const { batchSize } = status;
  let verified = 0;
  const wanted = parameters.verifyBatches ?? 0;
  if (wanted > 0) {
    if (parameters.spec === undefined) throw new SdkError("BAD_SPEC", "Verifying results needs the job's spec");
    const spec = parseSpec(parameters.spec);
    if (specHash(spec) !== status.specHash) {
      throw new SdkError(
        "BAD_SPEC",
        `The spec hashes to ${specHash(spec)} but job ${jobId} was posted with ${status.specHash}`,
      );
    }
    const layout = jobLayout(spec);
    const trainRoots = spec.kind === "train" ? runTrainJob(spec, { keepCheckpoints: false }).unitRoots : undefined;
    for (const batch of batches.filter((b) => b.state === "Accepted" && b.resultRoot).slice(0, wanted)) {
      const first = batch.index * batchSize;
      const last = Math.min(first + batchSize, layout.units);
      const unitRoots: Hex[] = [];
      for (let u = first; u < last; u++) {
        const runtimeIndex = toRuntimeUnit(spec, u);
        if (trainRoots) unitRoots.push(trainRoots[runtimeIndex] as Hex);
        else
          unitRoots.push(
            (
              await runUnit(spec, runtimeIndex, {
                modelBytes: parameters.modelBytes,
              })
            ).resultRoot as Hex,
          );
      }
      batch.unitRoots = unitRoots;
      batch.verified = merkleRoot(unitRoots) === batch.resultRoot;
      if (!batch.verified) {
        throw new SdkError(
          "RESULT_MISMATCH",
          `Batch ${batch.index} of job ${jobId} was accepted with root ${batch.resultRoot} but re-executes to ${merkleRoot(unitRoots)}`,
          { details: { jobId, batch: batch.index } },
        );
      }
      verified += 1;
    }
  }
  let unproved = 0;
  if (parameters.fetchOutputs) {
    for (const batch of batches) {
      if (batch.state !== "Accepted") continue;
      try {
        if (batch.primarySlashed) {
          batch.outputs = await fetchAuditedUnit(clients, jobId, batch.index);
          const missing = (status.batchStates[batch.index]?.units ?? 1) - 1;
          if (missing > 0) {
            batch.outputsError = `its primary was slashed for a wrong result; only the audited unit has a valid result (${missing} unit(s) missing)`;
            unproved += 1;
          }
        } else if (batch.resultRoot) {
          const fetched = await fetchBatchOutputs(clients, {
            jobId,
            batchIndex: batch.index,
            node: batch.node,
            root: batch.resultRoot,
          });
          batch.outputs = fetched.outputs;
        }
      } catch (error) {
        // One batch's miner cannot hold back (or poison) the others' proved outputs.
        batch.outputsError = (error as Error).message;
        unproved += 1;
      }
    }
  }
  return { jobId, done: status.done, batches, verified, unproved };
}

/** The unit the auditor re-executed in a batch whose primary lost the dispute, from the auditor, proved against its upheld root. */
async function fetchAuditedUnit(clients: SdkClients, jobId: bigint, batchIndex: number) {
  const [auditor, , , , , , digest] = await clients.publicClient.readContract({
    address: clients.deployment.contracts.jobMarket,
    abi: jobMarketAbi,
    functionName: "getAudit",
    args: [batchRef(jobId, batchIndex)],
  });
  const fetched = await fetchBatchOutputs(clients, { jobId, batchIndex, node: auditor, root: digest, from: "auditor" });
  return fetched.outputs;
}
