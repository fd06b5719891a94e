/** `(jobId << 32) | batchIndex`, the contracts' `BatchRef` packing. */
export function batchRef(jobId: bigint, batchIndex: number): bigint {
  return (jobId << 32n) | BigInt(batchIndex);
}
