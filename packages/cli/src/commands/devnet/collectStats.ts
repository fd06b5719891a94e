import { jobMarketAbi, maiTokenAbi, nodeRegistryAbi, rewardEngineAbi } from "@maitoken/protocol";
import type { SdkClients } from "@maitoken/node/sdk";
import type { Address } from "viem";

export type DevnetStats = {
  unitsAccepted: number;
  batchesAccepted: number;
  audits: number;
  disputes: number;
  votes: number;
  slashed: Address[];
  openEpoch: bigint;
  difficulty: bigint;
  minted: bigint;
  /** MAI each node's owner holds now, and each node's market credit. */
  perNode: { node: Address; owner: Address; balance: bigint; credit: bigint; reputation: number; stake: bigint }[];
};

/** Network-wide figures for the live view and the headless summary, read from events and views. */
export async function collectStats(
  clients: SdkClients,
  nodes: readonly { node: Address; owner: Address }[],
): Promise<DevnetStats> {
  const { publicClient, deployment } = clients;
  const fromBlock = BigInt(deployment.block);
  const market = deployment.contracts.jobMarket;
  const [accepted, drawn, disputes, votes, slashes, openEpoch, difficulty, minted] = await Promise.all([
    publicClient.getContractEvents({ address: market, abi: jobMarketAbi, eventName: "BatchAccepted", fromBlock }),
    publicClient.getContractEvents({ address: market, abi: jobMarketAbi, eventName: "AuditDrawn", fromBlock }),
    publicClient.getContractEvents({ address: market, abi: jobMarketAbi, eventName: "DisputeOpened", fromBlock }),
    publicClient.getContractEvents({ address: market, abi: jobMarketAbi, eventName: "VoteRevealed", fromBlock }),
    publicClient.getContractEvents({
      address: deployment.contracts.registry,
      abi: nodeRegistryAbi,
      eventName: "Slashed",
      fromBlock,
    }),
    publicClient.readContract({
      address: deployment.contracts.rewardEngine,
      abi: rewardEngineAbi,
      functionName: "openEpoch",
    }),
    publicClient.readContract({
      address: deployment.contracts.rewardEngine,
      abi: rewardEngineAbi,
      functionName: "difficulty",
    }),
    publicClient.readContract({
      address: deployment.contracts.token,
      abi: maiTokenAbi,
      functionName: "mintedFromPool",
    }),
  ]);
  let unitsAccepted = 0;
  for (const e of accepted) {
    const view = await publicClient.readContract({
      address: market,
      abi: jobMarketAbi,
      functionName: "getBatch",
      args: [e.args.ref as unknown as bigint],
    });
    unitsAccepted += Number(view.units);
  }
  const perNode = await Promise.all(
    nodes.map(async ({ node, owner }) => {
      const [balance, credit, view] = await Promise.all([
        publicClient.readContract({
          address: deployment.contracts.token,
          abi: maiTokenAbi,
          functionName: "balanceOf",
          args: [owner],
        }),
        publicClient.readContract({ address: market, abi: jobMarketAbi, functionName: "creditOf", args: [node] }),
        publicClient.readContract({
          address: deployment.contracts.registry,
          abi: nodeRegistryAbi,
          functionName: "getNode",
          args: [node],
        }),
      ]);
      return { node, owner, balance, credit, reputation: Number(view.reputation), stake: view.stake };
    }),
  );
  return {
    unitsAccepted,
    batchesAccepted: accepted.length,
    audits: drawn.filter((e) => e.args.audited).length,
    disputes: disputes.length,
    votes: votes.length,
    slashed: [...new Set(slashes.map((e) => e.args.node as Address))],
    openEpoch,
    difficulty,
    minted,
    perNode,
  };
}
