/**
 * What the roles of one node know about its compute: the measured speed, and the work each role has
 * taken on and not run yet. The miner takes a lease, and the auditor a seat, only if the work
 * admitted before it and the new work still finish inside the new work's window at that speed.
 */
export type ComputeLoad = {
  /** Seconds per compute unit: a moving average over the units this node ran; undefined before the first. */
  secondsPerCU: () => number | undefined;
  observe: (seconds: number, cu: number) => void;
  /** Estimated seconds of leased miner batches not computed yet (the miner keeps it current). */
  minerSeconds: number;
  /** Estimated seconds of audit and committee re-executions held and not done yet (the auditor keeps it). */
  auditSeconds: number;
};

export function createComputeLoad(): ComputeLoad {
  let perCU: number | undefined;
  return {
    secondsPerCU: () => perCU,
    observe: (seconds, cu) => {
      if (!(cu > 0)) return;
      const sample = seconds / cu;
      perCU = perCU === undefined ? sample : 0.7 * perCU + 0.3 * sample;
    },
    minerSeconds: 0,
    auditSeconds: 0,
  };
}
