import { benchDevice } from "@maitoken/runtime";
import type { NodeLogger } from "../log/createLogger.js";

/**
 * The capacity a node registers when its operator gave none: CU per second of this device on the
 * slower of the train and infer benchmarks (`mai bench`), rounded down. The market sizes leases from
 * it (2 x CU / capacity), so a claim above what the device delivers makes its leases expire.
 */
export async function measureCapacity(logger: NodeLogger): Promise<bigint> {
  const measured = await benchDevice({ seconds: 0.5 });
  const capacity = Math.max(1, Math.floor(Math.min(measured.train, measured.infer)));
  logger.info(
    { train: measured.train, infer: measured.infer, capacityCUps: capacity },
    "measured this device for its registration",
  );
  return BigInt(capacity);
}
