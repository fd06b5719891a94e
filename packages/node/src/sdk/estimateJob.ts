import { protocolConfigAbi } from "@maitoken/protocol";
import { type JobSpec, SpecError, parseSpec } from "@maitoken/runtime";
import type { SdkClients } from "./createSdkClients.js";
import { jobLayout } from "./jobLayout.js";
import { SdkError } from "./SdkError.js";
import { toSdkError } from "./toSdkError.js";

const BPS = 10_000n;
const MAX_UINT96 = (1n << 96n) - 1n;

export type EstimateJobParameters = {
  /** A parsed spec or raw JSON (validated here either way). */
  spec: JobSpec | unknown;
  /** MAI wei per compute unit; default the protocol floor `minPricePerCU`. */
  pricePerCU?: bigint;
  /** Infer/data units per batch (default 4). */
  batchSize?: number;
  /** CU per unit the caller wants to claim; refused when above what the runtime computes. */
  cuPerUnit?: bigint;
  /** Audit reserve in MAI wei; default `auditReserveBps` of the price escrow. */
  auditReserve?: bigint;
  /** Default 2,000 (20%): enough for the maximum audit rate at the auditors' re-run cost. */
  auditReserveBps?: bigint;
  /** Requester bond in MAI wei; default the protocol minimum. */
  bond?: bigint;
};

export type EstimateJobReturnType = {
  spec: JobSpec;
  kind: JobSpec["kind"];
  units: number;
  batchSize: number;
  batches: number;
  chains: number;
  cuPerUnit: bigint;
  /** Exact CU of the whole job (runtime count). */
  cu: number;
  pricePerUnit: bigint;
  /** The lowest price per unit the protocol accepts for this job. */
  floorPerUnit: bigint;
  priceEscrow: bigint;
  auditReserve: bigint;
  bond: bigint;
  /** What `submitJob` pulls from the requester: price escrow + audit reserve + bond. */
  total: bigint;
};

/**
 * Prices a job without touching the chain's state: compute units from the runtime, the price
 * against the protocol floor, the audit reserve, the bond and the total escrow. Fails with
 * `BAD_SPEC`, `CU_OVERSTATED`, `PRICE_UNDER_FLOOR` or `ESCROW_BELOW_MINIMUM`.
 * @example
 * const clients = await createSdkClients({ rpcUrl, deploymentDir: "deployments" });
 * const estimate = await estimateJob(clients, { spec: JSON.parse(readFileSync("examples/mnist-infer.json", "utf8")) });
 * console.log(formatEther(estimate.total));
 */
export async function estimateJob(
  clients: SdkClients,
  parameters: EstimateJobParameters,
): Promise<EstimateJobReturnType> {
  let spec: JobSpec;
  try {
    spec = parseSpec(parameters.spec);
  } catch (cause) {
    if (cause instanceof SpecError) {
      throw new SdkError("BAD_SPEC", `The job spec is invalid:\n${cause.message}`, {
        cause,
        details: { issues: cause.issues },
      });
    }
    throw cause;
  }
  const layout = jobLayout(spec, { batchSize: parameters.batchSize });
  if (parameters.cuPerUnit !== undefined && parameters.cuPerUnit > layout.cuPerUnit) {
    throw new SdkError(
      "CU_OVERSTATED",
      `The job claims ${parameters.cuPerUnit} CU per unit but its spec computes ${layout.cuPerUnit}; miners would abandon it. Leave cuPerUnit out to use the computed value`,
      {
        details: { claimed: parameters.cuPerUnit, computed: layout.cuPerUnit },
      },
    );
  }
  const cuPerUnit = parameters.cuPerUnit ?? layout.cuPerUnit;
  let market: {
    minPricePerCU: bigint;
    minEscrow: bigint;
    minRequesterBond: bigint;
    maxBatchSize: number;
  };
  try {
    market = await clients.publicClient.readContract({
      address: clients.deployment.contracts.config,
      abi: protocolConfigAbi,
      functionName: "marketParams",
    });
  } catch (cause) {
    throw toSdkError(cause, "reading the market parameters");
  }
  if (layout.batchSize > market.maxBatchSize) {
    throw new SdkError(
      "BAD_SPEC",
      `Batch size ${layout.batchSize} is above the protocol maximum ${market.maxBatchSize}`,
      {
        details: { batchSize: layout.batchSize, max: market.maxBatchSize },
      },
    );
  }
  const floorPerUnit = market.minPricePerCU * cuPerUnit;
  const pricePerUnit = (parameters.pricePerCU ?? market.minPricePerCU) * cuPerUnit;
  if (pricePerUnit < floorPerUnit) {
    throw new SdkError(
      "PRICE_UNDER_FLOOR",
      `A price of ${parameters.pricePerCU} wei per CU is under the protocol floor of ${market.minPricePerCU}; raise the price`,
      {
        details: {
          pricePerUnit,
          floorPerUnit,
          minPricePerCU: market.minPricePerCU,
        },
      },
    );
  }
  if (pricePerUnit > MAX_UINT96)
    throw new SdkError("BAD_SPEC", "The price per unit does not fit the contract's 96 bits");
  const priceEscrow = pricePerUnit * BigInt(layout.units);
  const auditReserve = parameters.auditReserve ?? (priceEscrow * (parameters.auditReserveBps ?? 2_000n)) / BPS;
  const bond = parameters.bond ?? market.minRequesterBond;
  if (bond < market.minRequesterBond) {
    throw new SdkError(
      "ESCROW_BELOW_MINIMUM",
      `A bond of ${bond} wei is under the protocol minimum ${market.minRequesterBond}`,
      {
        details: { bond, minimum: market.minRequesterBond },
      },
    );
  }
  const total = priceEscrow + auditReserve + bond;
  if (total < market.minEscrow) {
    throw new SdkError(
      "ESCROW_BELOW_MINIMUM",
      `The total escrow ${total} wei is under the protocol minimum ${market.minEscrow}; raise the price`,
      {
        details: { total, minimum: market.minEscrow },
      },
    );
  }
  return {
    spec,
    kind: spec.kind,
    units: layout.units,
    batchSize: layout.batchSize,
    batches: layout.batches,
    chains: layout.chains,
    cuPerUnit,
    cu: layout.cu,
    pricePerUnit,
    floorPerUnit,
    priceEscrow,
    auditReserve,
    bond,
    total,
  };
}
