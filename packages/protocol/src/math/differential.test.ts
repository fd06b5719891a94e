/**
 * Differential fuzz test: every protocol math function in TypeScript against the Solidity library,
 * through `contracts/test/harness/MathHarness.sol` deployed on a throwaway anvil. Same inputs (fast-check,
 * fixed seed), exact equality of outputs, and the same custom error where the library reverts.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import {
  type Abi,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { merkleLeaf, merkleProof, merkleRoot, verifyMerkleProof } from "../merkle.js";
import { loadArtifact } from "../testing/loadArtifact.js";
import { type StartAnvilReturnType, startAnvil } from "../testing/startAnvil.js";
import { auditProbabilityBps } from "./auditProbabilityBps.js";
import { baseline } from "./baseline.js";
import { checkLease } from "./checkLease.js";
import { WAD } from "./constants.js";
import { decayedSum } from "./decayedSum.js";
import { drawAudit } from "./drawAudit.js";
import type { EmissionParams } from "./EmissionParams.js";
import { epochEmission } from "./epochEmission.js";
import { exp2 } from "./exp2.js";
import { isEligible } from "./isEligible.js";
import { MathError } from "./MathError.js";
import { onAccepted } from "./onAccepted.js";
import { onAuditPassed } from "./onAuditPassed.js";
import { onDisputeLost } from "./onDisputeLost.js";
import { onExpired } from "./onExpired.js";
import { quality } from "./quality.js";
import { score } from "./score.js";
import { stakeBoost } from "./stakeBoost.js";
import { threshold } from "./threshold.js";
import { weight } from "./weight.js";

const RUNS = 300;
const SEED = 0x6d6169;
// anvil's first default account (public test key)
const DEPLOYER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

type Outcome = { ok: true; value: unknown } | { ok: false; error: string; args: readonly unknown[] };

let anvil: StartAnvilReturnType;
let client: PublicClient;
let harness: Address;
let abi: Abi;

function big(min: bigint, max: bigint): fc.Arbitrary<bigint> {
  return fc.bigInt({ min, max });
}

/** Mostly small values, sometimes anywhere in range, sometimes the edges. */
function spread(max: bigint, small = 10_000n): fc.Arbitrary<bigint> {
  return fc.oneof(big(0n, small < max ? small : max), big(0n, max), fc.constantFrom(0n, 1n, max));
}

const bytes32 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const address = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((b) => `0x${Buffer.from(b).toString("hex")}` as Address);

function sample<T>(arb: fc.Arbitrary<T>): T[] {
  return fc.sample(arb, { seed: SEED, numRuns: RUNS });
}

function tsOutcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof MathError) return { ok: false, error: err.errorName, args: err.args };
    throw err;
  }
}

async function solOutcome(functionName: string, args: readonly unknown[]): Promise<Outcome> {
  try {
    const value = await client.readContract({ address: harness, abi, functionName, args });
    return { ok: true, value };
  } catch (err) {
    if (err instanceof BaseError) {
      const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError && reverted.data) {
        return { ok: false, error: reverted.data.errorName, args: reverted.data.args ?? [] };
      }
    }
    throw err;
  }
}

/** Runs every input through both sides and asserts identical outcomes; returns how many reverted. */
async function compare<T>(
  functionName: string,
  inputs: readonly T[],
  toArgs: (input: T) => readonly unknown[],
  ts: (input: T) => unknown,
): Promise<number> {
  const sol = await Promise.all(inputs.map((input) => solOutcome(functionName, toArgs(input))));
  let reverts = 0;
  inputs.forEach((input, i) => {
    const expected = tsOutcome(() => ts(input));
    if (!expected.ok) reverts++;
    assert.deepStrictEqual(
      sol[i],
      expected,
      `${functionName} differs for ${JSON.stringify(input, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`,
    );
  });
  return reverts;
}

const emissionParams: fc.Arbitrary<EmissionParams> = fc.record({
  e0: fc.oneof(big(0n, 10n ** 27n), fc.constant(1000n * WAD)),
  alphaWad: fc.oneof(big(0n, WAD), fc.constantFrom(0n, 3n * 10n ** 17n, WAD, WAD + 1n)),
  halfLifeEpochs: fc.oneof(big(1n, 100n), big(1n, 10n ** 6n), fc.constant(0n)),
  d0: fc.oneof(big(0n, 10n ** 24n), big(0n, 10n ** 40n), fc.constant(0n)),
  doublingEpochs: fc.oneof(big(1n, 100n), big(1n, 10n ** 6n), fc.constant(0n)),
});

const asStruct = (p: EmissionParams) => p;

describe("protocol math: TypeScript mirror == Solidity libraries", () => {
  before(async () => {
    const artifact = loadArtifact({ name: "MathHarness" });
    abi = artifact.abi;
    anvil = await startAnvil();
    const transport = http(anvil.rpcUrl, { batch: { batchSize: 200 } });
    client = createPublicClient({ chain: foundry, transport }) as PublicClient;
    const wallet = createWalletClient({ chain: foundry, transport, account: privateKeyToAccount(DEPLOYER_KEY) });
    const hash = await wallet.deployContract({ abi, bytecode: artifact.bytecode });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    assert.ok(receipt.contractAddress, "MathHarness deployed");
    harness = receipt.contractAddress;
  });

  after(async () => {
    await anvil?.stop();
  });

  test("exp2", async () => {
    const inputs = sample(
      fc.oneof(
        big(-70n * WAD, 192n * WAD),
        big(-WAD, WAD),
        big(-200n, 200n).map((n) => n * WAD),
        fc.constantFrom(192n * WAD, 192n * WAD + 1n, -64n * WAD, -64n * WAD - 1n),
        big(192n * WAD + 1n, 10n ** 24n),
      ),
    );
    const reverts = await compare("exp2", inputs, (x) => [x], exp2);
    assert.ok(reverts > 0 && reverts < inputs.length, "both the domain and the overflow revert were exercised");
  });

  test("baseline", async () => {
    const inputs = sample(fc.tuple(emissionParams, fc.oneof(big(0n, 10n ** 22n), big(0n, 10n ** 27n))));
    await compare(
      "baseline",
      inputs,
      ([p, t]) => [asStruct(p), t],
      ([p, t]) => baseline(p, t),
    );
  });

  test("epochEmission", async () => {
    const inputs = sample(
      fc.tuple(
        emissionParams,
        spread(10n ** 7n),
        fc.oneof(big(0n, 10n ** 22n), big(0n, 10n ** 26n)),
        spread(10n ** 40n, 10n ** 24n),
      ),
    );
    await compare(
      "epochEmission",
      inputs,
      ([p, e, t, w]) => [asStruct(p), e, t, w],
      ([p, e, t, w]) => {
        const r = epochEmission(p, e, t, w);
        return [r.minted, r.newThetaWad];
      },
    );
  });

  test("decayedSum", async () => {
    const inputs = sample(fc.tuple(emissionParams, spread(10n ** 7n), spread(10n ** 7n)));
    await compare(
      "decayedSum",
      inputs,
      ([p, f, c]) => [asStruct(p), f, c],
      ([p, f, c]) => decayedSum(p, f, c),
    );
  });

  test("quality, stakeBoost, weight", async () => {
    const reps = sample(spread(20_000n));
    await compare("quality", reps, (r) => [r], quality);
    const stakes = sample(fc.tuple(spread(10n ** 30n, 10n ** 22n), spread(10n ** 30n, 10n ** 22n)));
    await compare(
      "stakeBoost",
      stakes,
      ([s, r]) => [s, r],
      ([s, r]) => stakeBoost(s, r),
    );
    const weights = sample(
      fc.tuple(spread(10n ** 30n), spread(12_000n), spread(10n ** 30n, 10n ** 22n), spread(10n ** 30n, 10n ** 22n)),
    );
    await compare(
      "weight",
      weights,
      (a) => a,
      ([cu, rep, s, r]) => weight(cu, rep, s, r),
    );
  });

  test("score, isEligible", async () => {
    const pairs = sample(fc.tuple(bytes32, address));
    await compare(
      "score",
      pairs,
      (a) => a,
      ([seed, node]) => score(seed, node),
    );
    const eligible = sample(
      fc.tuple(bytes32, address, fc.oneof(big(0n, WAD + 1n), fc.constantFrom(0n, WAD - 1n, WAD))),
    );
    await compare(
      "isEligible",
      eligible,
      (a) => a,
      ([seed, node, p]) => isEligible(seed, node, p),
    );
  });

  test("threshold, checkLease", async () => {
    const weightsArb = fc
      .tuple(big(1n, 10n ** 30n), big(0n, 10n ** 4n))
      .chain(([total, k]) =>
        fc.tuple(fc.constant(k % 12n), fc.oneof(big(0n, total), big(0n, total / 50n + 1n)), fc.constant(total)),
      );
    const inputs = sample(fc.tuple(weightsArb, spread(100_000n, 1_000n), spread(1_000n, 100n)));
    await compare(
      "threshold",
      inputs,
      ([[k, w, total], e, period]) => [k, w, total, e, period],
      ([[k, w, total], e, period]) => {
        const r = threshold(k, w, total, e, period);
        return [r.pWad, r.widened];
      },
    );
    const leases = sample(fc.tuple(bytes32, address, weightsArb, spread(1_000n), big(0n, 200n)));
    await compare(
      "checkLease",
      leases,
      ([seed, node, [k, w, total], e, period]) => [seed, node, k, w, total, e, period],
      ([seed, node, [k, w, total], e, period]) => {
        const r = checkLease({ seed, node, k, nodeWeight: w, totalWeight: total, elapsed: e, widenPeriod: period });
        return [r.eligible, r.widened];
      },
    );
  });

  test("auditProbabilityBps, drawAudit", async () => {
    const probs = sample(fc.tuple(spread(12_000n), spread(10_000n), spread(10_000n), spread(12_000n)));
    const reverts = await compare(
      "auditProbabilityBps",
      probs,
      (a) => a,
      ([rep, pMin, pMax, floor]) => auditProbabilityBps(rep, pMin, pMax, floor),
    );
    assert.ok(reverts > 0, "inverted bounds exercised");
    const draws = sample(fc.tuple(bytes32, spread(12_000n), spread(10n ** 6n, 64n)));
    await compare(
      "drawAudit",
      draws,
      (a) => a,
      ([seed, p, units]) => {
        const r = drawAudit(seed, p, units);
        return [r.audited, r.unitIndex];
      },
    );
  });

  test("IndexedMerkle leaf, verify, verifyMemory agree with merkle.ts", async () => {
    const leaves = sample(fc.tuple(spread(2n ** 64n, 1_000n), bytes32));
    await compare(
      "leaf",
      leaves,
      (a) => a,
      ([i, v]) => merkleLeaf(i, v),
    );
    const trees = sample(
      fc
        .array(bytes32, { minLength: 1, maxLength: 33 })
        .chain((values) =>
          fc.tuple(fc.constant(values), fc.nat(values.length - 1), fc.oneof(fc.constant(-1), fc.nat(80)), fc.boolean()),
        ),
    ).map(([values, index, claimed, tamper]) => {
      const proof = merkleProof(values, index);
      const value = tamper ? values[(index + 1) % values.length] : values[index];
      return { root: merkleRoot(values), index: BigInt(claimed < 0 ? index : claimed), value, proof };
    });
    let valid = 0;
    for (const fn of ["verify", "verifyMemory"] as const) {
      await compare(
        fn,
        trees,
        (t) => [t.root, t.index, t.value, t.proof],
        (t) => {
          const ok = verifyMerkleProof(t.root, t.index, t.value, t.proof);
          if (ok) valid++;
          return ok;
        },
      );
    }
    assert.ok(valid > 0 && valid < 2 * trees.length, "both valid and invalid proofs exercised");
  });

  test("reputation rules", async () => {
    const reps = sample(spread(20_000n));
    await compare("onAuditPassed", reps, (r) => [r], onAuditPassed);
    await compare("onAccepted", reps, (r) => [r], onAccepted);
    await compare("onExpired", reps, (r) => [r], onExpired);
    await compare("onDisputeLost", reps, (r) => [r], onDisputeLost);
  });
});
