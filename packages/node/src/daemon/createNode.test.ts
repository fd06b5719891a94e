import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jobMarketAbi, maiTokenAbi, rewardEngineAbi } from "@maitoken/protocol";
import type { Address } from "viem";
import { batchRef } from "./batchRef.js";
import { BatchState } from "./BatchState.js";
import { MAI, startTestNetwork, waitFor } from "../testing/startTestNetwork.js";

const dataSpec = {
	version: 1,
	engine: "mai-engine/1",
	kind: "data",
	seed: 1,
	dataset: { id: "mnist-v1", split: "test", start: 0, end: 40 },
	itemsPerUnit: 10,
	transforms: [
		{ op: "normalize", mean: 0.1307, std: 0.3081 },
		{ op: "avgPool", size: 2 },
	],
};

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
	net = await startTestNetwork();
});
after(async () => {
	await net?.stop();
});

test("an honest miner and an auditor complete an audited job: batches accepted, miner paid and rewarded", {
	timeout: 120_000,
}, async () => {
	const miner = await net.startNode(0, { roles: ["miner", "keeper"] });
	const auditor = await net.startNode(1, { roles: ["auditor", "keeper"] });
	const market = net.deployment.contracts.jobMarket;
	const ownerA = miner.context.owner as Address;
	const balanceBefore = (await net.client.readContract({
		address: net.deployment.contracts.token,
		abi: maiTokenAbi,
		functionName: "balanceOf",
		args: [ownerA],
	})) as bigint;
	// Audit floor 100%: every batch is audited, so the auditor path runs for sure.
	const jobId = await net.postJob(miner, dataSpec, {
		batchSize: 2,
		minAuditBps: 10_000,
	});
	for (const i of [0, 1]) {
		await waitFor(
			`batch ${i} accepted`,
			async () => {
				const b = (await net.client.readContract({
					address: market,
					abi: jobMarketAbi,
					functionName: "getBatch",
					args: [batchRef(jobId, i)],
				})) as { state: number; node: Address };
				return b.state === BatchState.Accepted ? b : undefined;
			},
			90_000,
		);
	}
	const auditorRows = auditor.context.store.work.listByPhase("auditor", [
		"revealed",
	]);
	assert.equal(auditorRows.length, 2, "the auditor revealed both audits");
	// The miner's owner withdrew its credit: its token balance grew by the two batches' pay.
	await waitFor("credit withdrawn", async () => {
		const credit = (await net.client.readContract({
			address: market,
			abi: jobMarketAbi,
			functionName: "creditOf",
			args: [ownerA],
		})) as bigint;
		const balance = (await net.client.readContract({
			address: net.deployment.contracts.token,
			abi: maiTokenAbi,
			functionName: "balanceOf",
			args: [ownerA],
		})) as bigint;
		return credit === 0n && balance > balanceBefore ? true : undefined;
	});
	// Work accrued for emission in some epoch, and the node claims it once the epoch is settled.
	const engine = net.deployment.contracts.rewardEngine;
	await waitFor(
		"rewards claimed",
		async () => {
			const current = (await net.client.readContract({
				address: engine,
				abi: rewardEngineAbi,
				functionName: "currentEpoch",
			})) as bigint;
			for (let e = 0n; e <= current; e++) {
				const [weight, claimed] = (await net.client.readContract({
					address: engine,
					abi: rewardEngineAbi,
					functionName: "nodeEpochWeight",
					args: [e, miner.address],
				})) as [bigint, boolean];
				if (weight > 0n && claimed) return true;
			}
			return undefined;
		},
		60_000,
	);
	const balanceAfter = (await net.client.readContract({
		address: net.deployment.contracts.token,
		abi: maiTokenAbi,
		functionName: "balanceOf",
		args: [ownerA],
	})) as bigint;
	assert.ok(
		balanceAfter > balanceBefore + (3n * MAI) / 1000n,
		"payment plus minted rewards reached the owner",
	);
});
