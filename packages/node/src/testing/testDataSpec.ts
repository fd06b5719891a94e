/**
 * A small `data` job spec (MNIST test items normalized, 10 per unit): the cheapest real workload
 * for node tests. Distinct seeds or item ranges give distinct spec hashes (distinct jobs).
 */
export function testDataSpec(p: { seed: number; start: number; end: number }) {
  return {
    version: 1,
    engine: "mai-engine/1",
    kind: "data",
    seed: p.seed,
    dataset: { id: "mnist-v1", split: "test", start: p.start, end: p.end },
    itemsPerUnit: 10,
    transforms: [{ op: "normalize", mean: 0.1307, std: 0.3081 }],
  } as const;
}
