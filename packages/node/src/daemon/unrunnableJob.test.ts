import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi, maiTokenAbi, nodeRegistryAbi } from "@maitoken/protocol";
import {
  type ModelSpec,
  decodeModel,
  encodeModel,
  exportOnnx,
  findUnsupportedNodes,
  initParams,
  sha256,
} from "@maitoken/runtime";
import { type Address, type Hex, hexToString } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvilKeys } from "../testing/anvilKeys.js";
import { startTestNetwork, waitFor } from "../testing/startTestNetwork.js";
import { JobStatus } from "./BatchState.js";

const arch: ModelSpec = {
  kind: "mlp",
  inputSize: 784,
  hidden: [16],
  classes: 10,
  activation: "relu",
};

/**
 * A well-formed ONNX graph of exactly `arch` (so its parameter count passes the runtime's arch check)
 * whose activation is `Celu`: an operator the exact engine does not implement, so no node can run it
 * bit for bit.
 */
function unsupportedModel(): Uint8Array {
  const model = decodeModel(exportOnnx(arch, initParams(arch, 7)));
  const relu = model.graph.node.find((n) => n.opType === "Relu");
  assert.ok(relu, "the exported MLP has a Relu node");
  relu.opType = "Celu";
  const bytes = encodeModel(model);
  assert.deepEqual(
    findUnsupportedNodes(decodeModel(bytes)).map((p) => p.opType),
    ["Celu"],
  );
  return bytes;
}

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
});
after(async () => {
  await net?.stop();
});

test("An unrunnable spec is abandoned without penalty and the job freezes, paying the abandoners", {
  timeout: 150_000,
}, async () => {
  const market = net.deployment.contracts.jobMarket;
  const token = net.deployment.contracts.token;
  const maxAbandons = Number(net.deployment.parameters.market.maxAbandons);
  // One node refuses a job once (it keeps a rejected-jobs set), so each abandon needs its own node.
  assert.equal(maxAbandons, 3, "the devnet preset freezes a job at its third abandon");
  const nodes = [];
  for (const n of [0, 1, 2]) nodes.push(await net.startNode(n, { roles: ["miner"] }));

  const read = <T>(
    address: Address,
    abi: unknown,
    functionName: string,
    args: readonly unknown[] = [],
    blockNumber?: bigint,
  ) =>
    net.client.readContract({
      address,
      abi,
      functionName,
      args,
      blockNumber,
    } as never) as Promise<T>;
  const nodeInfo = (a: Address) =>
    read<{
      stake: bigint;
      reputation: number;
      locked: bigint;
      jailed: boolean;
    }>(net.deployment.contracts.registry, nodeRegistryAbi, "getNode", [a]);
  const creditOf = (a: Address) => read<bigint>(market, jobMarketAbi, "creditOf", [a]);
  // The daemons withdraw their owners' credit on their own, so an owner's earnings are balance + credit,
  // both read at one block (a withdrawal mined between two reads would count twice or not at all).
  const holdings = async (a: Address) => {
    const at = await net.client.getBlockNumber();
    const [balance, credit] = await Promise.all([
      read<bigint>(token, maiTokenAbi, "balanceOf", [a], at),
      read<bigint>(market, jobMarketAbi, "creditOf", [a], at),
    ]);
    return balance + credit;
  };

  const owners = nodes.map((n) => n.context.owner as Address);
  const infoBefore = await Promise.all(nodes.map((n) => nodeInfo(n.address)));
  const holdingsBefore = await Promise.all(owners.map(holdings));
  for (const info of infoBefore) assert.ok(info.stake > 0n && info.locked === 0n && !info.jailed);

  // The model is on node 0's blob store with the hash the spec pins: available, just not runnable.
  const model = unsupportedModel();
  const put = await nodes[0]?.context.blobs.put(model);
  assert.equal(`0x${put?.hash}`, sha256(model));
  const spec = {
    version: 1,
    engine: "mai-engine/1",
    kind: "infer",
    mode: "exact",
    model: { onnx: "celu.onnx", sha256: sha256(model), arch },
    dataset: { id: "mnist-v1", split: "test", start: 0, end: 10 },
    itemsPerUnit: 10,
  };
  // anvil key 7 is the requester of startTestNetwork's postJob.
  const requester = privateKeyToAccount(anvilKeys[7] as Hex).address;
  const requesterCreditBefore = await creditOf(requester);
  // One unit in one batch: every abandon is of the same batch, one per node.
  const jobId = await net.postJob(nodes[0] as (typeof nodes)[number], spec, {
    batchSize: 1,
  });
  const posted = await read<{
    requester: Address;
    escrow: bigint;
    auditReserve: bigint;
    bond: bigint;
    units: bigint;
  }>(market, jobMarketAbi, "getJob", [jobId]);
  assert.equal(posted.units, 1n);
  assert.equal(posted.requester, requester);

  const frozen = await waitFor(
    "JobFrozen",
    async () => {
      const logs = await net.client.getContractEvents({
        address: market,
        abi: jobMarketAbi,
        eventName: "JobFrozen",
        fromBlock: 0n,
      });
      return logs
        .map(
          (l) =>
            l.args as {
              jobId: bigint;
              abandoners: bigint;
              perAbandoner: bigint;
            },
        )
        .find((a) => a.jobId === jobId);
    },
    120_000,
  );

  // Every node abandoned exactly once, giving the workload failure as its reason.
  const abandoned = (
    await net.client.getContractEvents({
      address: market,
      abi: jobMarketAbi,
      eventName: "BatchAbandoned",
      fromBlock: 0n,
    })
  )
    .map((l) => l.args as { ref: bigint; node: Address; reason: `0x${string}` })
    .filter((a) => a.ref >> 32n === jobId);
  assert.deepEqual(abandoned.map((a) => a.node).sort(), nodes.map((n) => n.address).sort());
  for (const a of abandoned) assert.equal(hexToString(a.reason, { size: 32 }), "unrunnable");
  // Each node recorded its abandon and will not lease the job again.
  for (const n of nodes) {
    await waitFor("abandon recorded", async () =>
      n.context.store.work.listByPhase("miner", ["abandoned"]).some((w) => w.job === jobId) ? true : undefined,
    );
    assert.ok(n.context.store.kv.get<string[]>("miner.rejectedJobs")?.includes(jobId.toString()));
  }

  // PROTOCOL.md 3.8: the bond is split equally among the abandons; dust stays with the requester.
  const per = posted.bond / BigInt(maxAbandons);
  assert.equal(frozen.abandoners, BigInt(maxAbandons));
  assert.equal(frozen.perAbandoner, per);
  assert.ok(per > 0n);

  const job = await read<{
    status: bigint;
    escrow: bigint;
    lockedValue: bigint;
    auditReserve: bigint;
    bond: bigint;
    abandons: bigint;
  }>(market, jobMarketAbi, "getJob", [jobId]);
  assert.equal(Number(job.status) & JobStatus.FROZEN, JobStatus.FROZEN, "the job is frozen");
  assert.equal(Number(job.status) & JobStatus.CLOSED, JobStatus.CLOSED, "a frozen job takes no lease");
  // Nothing was in flight, so the job finished: escrow, reserve and bond are all paid out.
  assert.equal(Number(job.status) & JobStatus.FINAL, JobStatus.FINAL);
  assert.equal(job.abandons, BigInt(maxAbandons));
  assert.equal(job.escrow, 0n);
  assert.equal(job.lockedValue, 0n);
  assert.equal(job.auditReserve, 0n);
  assert.equal(job.bond, 0n);
  // The requester gets back everything but the abandoners' shares: open value, reserve and bond dust.
  assert.equal(
    (await creditOf(requester)) - requesterCreditBefore,
    posted.escrow + posted.auditReserve + posted.bond - per * BigInt(maxAbandons),
  );

  // No penalty: stake, reputation and jail state untouched, nothing left locked.
  const infoAfter = await Promise.all(nodes.map((n) => nodeInfo(n.address)));
  infoAfter.forEach((info, i) => {
    const was = infoBefore[i] as (typeof infoBefore)[number];
    assert.equal(info.stake, was.stake, `node ${i} stake`);
    assert.equal(info.reputation, was.reputation, `node ${i} reputation`);
    assert.equal(info.jailed, false);
    assert.equal(info.locked, 0n, `node ${i} collateral unlocked`);
  });
  // Each owner earned exactly one share of the bond (credited, then possibly withdrawn by its daemon).
  for (const [i, owner] of owners.entries()) {
    assert.equal((await holdings(owner)) - (holdingsBefore[i] as bigint), per, `owner ${i} paid one share`);
  }
});
