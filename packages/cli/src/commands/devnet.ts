import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { type Address, type Hex, formatEther, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { parseIntArg } from "./common/parseArgs.js";
import type { NodeProcess } from "./devnet/startNodeProcess.js";

type DevnetOptions = {
  nodes: number;
  cheaters: number;
  headless?: boolean;
  exitAfterJobs?: number;
  dataDir?: string;
  chains: number;
  unitsPerChain: number;
  steps: number;
  hidden: number;
  batchSize: number;
  conv: number[];
  inferSplit: "train" | "test";
  inferItems: number;
  itemsPerUnit: number;
  minAuditBps?: number;
};

// anvil's public development keys #0 and #1: deployer and faucet (never use them on a real network)
const DEPLOYER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const FAUCET_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/**
 * `mai devnet` (= `npm start`): a whole network on this machine: anvil mining every second, the
 * protocol on devnet parameters, N miner nodes (+ cheaters) as child processes, and a requester
 * that trains an MNIST MLP on the network and then runs batch inference with the trained model.
 * @example
 * mai devnet --headless --exit-after-jobs 2 --cheaters 1
 */
export function devnetCommand(): Command {
  return new Command("devnet")
    .description("run a local network: anvil, the protocol, miner nodes and a requester posting MNIST jobs")
    .option("--nodes <n>", "honest miner nodes", parseIntArg, 4)
    .option(
      "--cheaters <n>",
      "extra nodes that return fake results (to see them slashed; honest nodes then leave fresh batches to them for 5 blocks)",
      parseIntArg,
      0,
    )
    .option("--headless", "no live view; print one JSON summary line at the end")
    .option(
      "--exit-after-jobs <n>",
      "stop after this many jobs finished (1: training only, 2: + inference, more: further inference jobs, each over the next slice of the split)",
      parseIntArg,
    )
    .option("--data-dir <dir>", "where deployments, node data and logs go (default: a new temp dir)")
    .option("--chains <n>", "training chains (a learning-rate sweep)", parseIntArg, 3)
    .option("--units-per-chain <n>", "chained PoL units per training chain", parseIntArg, 2)
    .option("--steps <n>", "optimizer steps per training unit (a multiple of 4)", parseIntArg, 400)
    .option("--hidden <n>", "hidden width of the MLP (of the CNN's dense layer with --conv)", parseIntArg, 64)
    .option("--batch-size <n>", "training minibatch size", parseIntArg, 64)
    .option("--conv <filters>", "train a CNN with these 3x3 conv layers instead of the MLP (e.g. 32,64)", parseConv, [])
    .addOption(
      new Option("--infer-split <split>", "MNIST split the inference job classifies")
        .choices(["train", "test"])
        .default("test"),
    )
    .option("--infer-items <n>", "images to classify in the inference job", parseIntArg, 2000)
    .option("--items-per-unit <n>", "images per inference unit", parseIntArg, 250)
    .option(
      "--min-audit-bps <bps>",
      "the requester's audit floor (default 5000; 10000, every batch audited, when there are cheaters to catch)",
      parseIntArg,
    )
    .action(async (options: DevnetOptions) => {
      await runDevnet(options);
    });
}

function parseConv(value: string): number[] {
  const filters = value.split(",").map((f) => f.trim());
  if (filters.length > 16 || !filters.every((f) => /^[1-9]\d{0,3}$/.test(f)))
    throw new InvalidArgumentError(`"${value}" is not a list of conv filter counts (e.g. 32,64)`);
  return filters.map(Number);
}

/** A node's Prometheus /metrics text. */
async function readMetrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** Seconds a node's runtime spent on units of `kind`, as a primary (role miner) and in all (audits and votes too). */
function workloadSeconds(text: string, kind: string): { primary: number; all: number } {
  const seconds = { primary: 0, all: 0 };
  for (const l of text.split("\n")) {
    if (!l.startsWith("mai_workload_seconds_sum{") || !l.includes(`kind="${kind}"`)) continue;
    const value = Number(l.slice(l.lastIndexOf(" ") + 1));
    seconds.all += value;
    if (l.includes('role="miner"')) seconds.primary += value;
  }
  return seconds;
}

/**
 * A node's resident memory and live V8 heap (after its last full collection) in MB, and the blobs
 * its store holds.
 */
function memoryOf(text: string): { rss: number; heap: number; blobs: number } {
  const gauge = (name: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
  };
  return {
    rss: gauge("mai_process_resident_memory_bytes") / 2 ** 20,
    heap: gauge("mai_heap_live_bytes") / 2 ** 20,
    blobs: gauge("mai_blob_store_blobs"),
  };
}

async function runDevnet(o: DevnetOptions): Promise<void> {
  const started = performance.now();
  const { deployProtocol, findRepoRoot, maiTokenAbi, merkleRoot, rewardEngineAbi, startAnvil } = await import(
    "@maitoken/protocol"
  );
  const sdk = await import("@maitoken/node/sdk");
  const { benchDevice, getDataset, trainAndExport } = await import("@maitoken/runtime");
  const { demoInferSpec, demoTrainSpec } = await import("./devnet/demoSpecs.js");
  const { startNodeProcess } = await import("./devnet/startNodeProcess.js");
  const { collectStats } = await import("./devnet/collectStats.js");
  const { scorePredictions } = await import("./devnet/scorePredictions.js");
  // Progress goes to stderr in both modes: headless keeps stdout for the one JSON summary line.
  const say = (m: string) => {
    process.stderr.write(`${m}\n`);
  };
  const root = findRepoRoot();
  const dataDir = path.resolve(o.dataDir ?? mkdtempSync(path.join(tmpdir(), "mai-devnet-")));
  const deploymentDir = path.join(dataDir, "deployments");
  mkdirSync(deploymentDir, { recursive: true });

  const anvil = await startAnvil({ args: ["--block-time", "1"] });
  const nodes: NodeProcess[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  // One shutdown however many signals arrive (npm start forwards Ctrl-C on top of the terminal's own).
  const stopAll = () => {
    stopped ??= (async () => {
      await Promise.all(stoppers.map((stop) => stop()));
      await anvil.stop();
    })();
    return stopped;
  };
  const onSignal = () => {
    if (!stopped) say("\nstopping every node and the chain...");
    void stopAll().then(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    const faucet = privateKeyToAccount(FAUCET_KEY);
    say(`devnet: anvil at ${anvil.rpcUrl}, data in ${dataDir}`);
    const deployment = await deployProtocol({
      rpcUrl: anvil.rpcUrl,
      deployerKey: DEPLOYER_KEY,
      preset: "devnet",
      genesis: [{ address: faucet.address, amount: parseEther("100000000") }],
      outDir: deploymentDir,
    });
    const faucetClients = await sdk.createSdkClients({
      rpcUrl: anvil.rpcUrl,
      deployment,
      account: FAUCET_KEY,
      pollingInterval: 200,
    });
    const { publicClient } = faucetClients;
    const faucetWallet = faucetClients.walletClient;
    if (!faucetWallet) throw new Error("the faucet clients have no wallet");
    const fund = async (to: Address, mai: bigint) => {
      await publicClient.request({ method: "anvil_setBalance" as never, params: [to, "0x56BC75E2D63100000"] as never });
      if (mai > 0n) {
        const hash = await faucetWallet.writeContract({
          address: deployment.contracts.token,
          abi: maiTokenAbi,
          functionName: "transfer",
          args: [to, mai],
        });
        await publicClient.waitForTransactionReceipt({ hash });
      }
    };
    const requesterKey = generatePrivateKey();
    await fund(privateKeyToAccount(requesterKey).address, parseEther("100000"));
    const members: { name: string; nodeKey: Hex; ownerKey: Hex; cheat: boolean }[] = [];
    for (let i = 0; i < o.nodes + o.cheaters; i++) {
      const m = {
        name: i < o.nodes ? `miner${i + 1}` : `cheater${i - o.nodes + 1}`,
        nodeKey: generatePrivateKey(),
        ownerKey: generatePrivateKey(),
        cheat: i >= o.nodes,
      };
      await fund(privateKeyToAccount(m.nodeKey).address, 0n);
      await fund(privateKeyToAccount(m.ownerKey).address, parseEther("1000"));
      members.push(m);
    }
    // Every node shares this machine's cores: each registers the share it can deliver (leases are
    // sized from the registered capacity, and a claim above it makes leases expire).
    const speed = await benchDevice({ seconds: 0.5 });
    const total = o.nodes + o.cheaters;
    const capacity = Math.max(
      1,
      Math.floor((Math.min(speed.train, speed.infer) * Math.min(total, cpus().length)) / total),
    );
    say(
      `deployed; starting ${o.nodes} miner node(s)${o.cheaters ? ` and ${o.cheaters} cheater(s)` : ""}, ${capacity} CU/s each...`,
    );
    const started_ = await Promise.all(
      members.map((m) => {
        const dir = path.join(dataDir, m.name);
        mkdirSync(dir, { recursive: true });
        return startNodeProcess({
          name: m.name,
          repoRoot: root,
          rpcUrl: anvil.rpcUrl,
          deploymentDir,
          dataDir: dir,
          nodeKey: m.nodeKey,
          ownerKey: m.ownerKey,
          cheat: m.cheat,
          capacity,
          // With cheaters, honest nodes leave a fresh batch open for 5 blocks (a lease lands 2 blocks
          // after the batch opens at the earliest, when its sortition seed is mined), so the cheaters
          // (who lease at once, all their stake covers) surely get work to be caught on.
          leaseDelayBlocks: o.cheaters > 0 && !m.cheat ? 5 : undefined,
          timeoutMs: 180_000,
          onSpawn: (stop) => stoppers.push(stop),
        });
      }),
    );
    nodes.push(...started_);
    const roster = members.map((m) => ({
      name: m.name,
      node: privateKeyToAccount(m.nodeKey).address,
      owner: privateKeyToAccount(m.ownerKey).address,
      ownerKey: m.ownerKey,
    }));
    for (const [i, n] of nodes.entries()) say(`  ${n.name.padEnd(9)} ${roster[i]?.node} ${n.url}`);

    const requester = await sdk.createSdkClients({
      rpcUrl: anvil.rpcUrl,
      deployment,
      account: requesterKey,
      pollingInterval: 200,
    });
    const jobsWanted = o.exitAfterJobs ?? 2;
    const sizes = {
      chains: o.chains,
      unitsPerChain: o.unitsPerChain,
      steps: o.steps,
      hidden: o.hidden,
      batchSize: o.batchSize,
      conv: o.conv,
      inferSplit: o.inferSplit,
      inferItems: o.inferItems,
      itemsPerUnit: o.itemsPerUnit,
    };
    let jobsDone = 0;
    let lastView = 0;
    const view = async (title: string, status: Awaited<ReturnType<typeof sdk.getJobStatus>>) => {
      if (o.headless || Date.now() - lastView < 1000) return;
      lastView = Date.now();
      const s = await collectStats(requester, roster);
      const bar = (done: number, total: number) =>
        `[${"#".repeat(Math.round((20 * done) / Math.max(1, total))).padEnd(20, ".")}] ${done}/${total}`;
      const lines = [
        `${title}: ${bar(status.counts.Accepted, status.batches)} batches  (${Object.entries(status.counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ")})`,
        `units accepted ${s.unitsAccepted}  audits ${s.audits}  disputes ${s.disputes}  slashed ${s.slashed.length}  epoch ${s.openEpoch}  difficulty ${formatEther(s.difficulty)}  minted ${formatEther(s.minted)} MAI`,
        ...s.perNode.map(
          (p, i) =>
            `  ${roster[i]?.name.padEnd(9)} rep ${String(p.reputation).padStart(5)}  stake ${formatEther(p.stake).padStart(8)}  credit ${formatEther(p.credit).padStart(12)}  owner ${formatEther(p.balance)} MAI`,
        ),
      ];
      process.stderr.write(`${process.stderr.isTTY ? "\x1b[2J\x1b[H" : ""}${lines.join("\n")}\n`);
    };
    // Useful fraction of the last job: the honest miners' time inside the runtime (their own units,
    // audits and committee votes: every workload they ran) over their wall time while the job was
    // on chain (created until every batch was final). The primary share counts their own units only.
    const honest = nodes.filter((_, i) => !members[i]?.cheat);
    let useful = 0;
    let primaryShare = 0;
    const rssMbByJob: number[] = [];
    const heapMbByJob: number[] = [];
    const blobsByJob: number[] = [];
    const runJob = async (title: string, spec: { kind: string }, baseDir: string) => {
      const busyBefore = (await Promise.all(honest.map((n) => readMetrics(n.url)))).map((t) =>
        workloadSeconds(t, spec.kind),
      );
      const posted = await sdk.submitJob(requester, {
        spec,
        baseDir,
        // A demo with cheaters audits every batch, so the cheat is caught in this run rather than in expectation.
        minAuditBps: o.minAuditBps ?? (o.cheaters > 0 ? 10_000 : 5_000),
        batchSize: 1,
        deadlineSeconds: 3600,
      });
      const postedAt = performance.now();
      say(
        `${title}: job ${posted.jobId} posted (${posted.estimate.units} units, ${formatEther(posted.estimate.total)} MAI escrowed)`,
      );
      for await (const status of sdk.watchJob(requester, posted.jobId, { intervalMs: 250 })) await view(title, status);
      const wall = (performance.now() - postedAt) / 1000;
      const after = await Promise.all(honest.map((n) => readMetrics(n.url)));
      const busyAfter = after.map((t) => workloadSeconds(t, spec.kind));
      const busy = busyAfter.reduce((sum, b, i) => sum + b.all - (busyBefore[i]?.all ?? 0), 0);
      const primary = busyAfter.reduce((sum, b, i) => sum + b.primary - (busyBefore[i]?.primary ?? 0), 0);
      const capacity = Math.max(1, honest.length) * wall;
      useful = busy / capacity;
      primaryShare = primary / capacity;
      say(
        `${title}: done in ${wall.toFixed(1)} s; miners busy in the runtime ${busy.toFixed(1)} s (${(useful * 100).toFixed(1)}% of their wall time; their own units ${(primaryShare * 100).toFixed(1)}%, audits the rest)`,
      );
      jobsDone += 1;
      // The honest miners' memory and blob stores once each job is over: flat when nothing grows with
      // the jobs seen (blobs: once blob GC's grace has passed).
      const memory = after.map(memoryOf);
      rssMbByJob.push(Math.round(Math.max(...memory.map((m) => m.rss))));
      heapMbByJob.push(Math.round(10 * Math.max(...memory.map((m) => m.heap))) / 10);
      blobsByJob.push(Math.max(...memory.map((m) => m.blobs)));
      return posted;
    };

    // 1. Training on the network, then the same training locally: the model the requester uses is
    //    proven to be the network's by comparing every unit root with the accepted on-chain roots.
    const trainSpec = demoTrainSpec(sizes);
    const trainJob = await runJob("train", trainSpec, dataDir);
    const local = trainAndExport(trainSpec, 0);
    const results = await sdk.getResults(requester, trainJob.jobId);
    let matches = 0;
    for (const b of results.batches) {
      const expected = merkleRoot([local.unitRoots[sdk.toRuntimeUnit(trainSpec, b.index)] as Hex]);
      if (b.state === "Accepted" && b.resultRoot === expected) matches += 1;
    }
    const trainAccuracy = local.accuracy ?? 0;
    let inferAccuracy: number | undefined;
    let predictions = 0;
    say(
      `training: ${matches}/${results.batches.length} accepted batch roots equal the local replay; chain 0 test accuracy ${(trainAccuracy * 100).toFixed(2)}%`,
    );

    // 2. Batch inference with the trained model, served as a blob: one job, or more one after another
    //    (each over the next slice of the split) to watch the miners' memory over many jobs.
    if (jobsWanted >= 2) {
      const onnxFile = path.join(dataDir, "mnist-trained.onnx");
      writeFileSync(onnxFile, local.onnx);
      const labels = getDataset("mnist-v1")[sizes.inferSplit].labels;
      const slices = Math.max(1, Math.floor(labels.length / sizes.inferItems));
      let correct = 0;
      let verified = 0;
      let unproved = 0;
      for (let k = 0; k < jobsWanted - 1; k++) {
        const start = (k % slices) * sizes.inferItems;
        const inferSpec = demoInferSpec(sizes, trainSpec, path.basename(onnxFile), local.sha256, start);
        writeFileSync(path.join(dataDir, "infer.json"), JSON.stringify(inferSpec, null, 2));
        const inferJob = await runJob(
          jobsWanted > 2 ? `infer ${k + 1}/${jobsWanted - 1}` : "infer",
          inferSpec,
          dataDir,
        );
        const options = { spec: inferSpec, modelBytes: local.onnx, verifyBatches: 1 };
        const checked = await sdk.getResults(requester, inferJob.jobId, { ...options, fetchOutputs: true });
        verified += checked.verified;
        unproved += checked.unproved;
        for (const b of checked.batches) {
          // A batch whose outputs do not prove is reported, not fatal: the others are still the network's.
          if (b.outputsError) say(`  batch ${b.index}: outputs not proved (${b.outputsError})`);
        }
        // The network's own predictions, each row proved against the accepted on-chain roots.
        const score = scorePredictions(checked.batches, labels, start, sizes.itemsPerUnit);
        correct += score.correct;
        predictions += score.total;
      }
      inferAccuracy = predictions > 0 ? correct / predictions : undefined;
      say(
        `inference: ${verified} batch(es) re-executed locally; ${predictions} predictions fetched from the network and proved${unproved ? ` (${unproved} batch(es) unproved)` : ""}; accuracy ${((inferAccuracy ?? 0) * 100).toFixed(2)}%`,
      );
    }

    // Close the epoch the work landed in and claim every node's emission as its owner.
    const epochLength = BigInt(deployment.epochLength);
    const engine = deployment.contracts.rewardEngine;
    const target =
      (await publicClient.readContract({ address: engine, abi: rewardEngineAbi, functionName: "openEpoch" })) + 1n;
    while (
      (await publicClient.readContract({ address: engine, abi: rewardEngineAbi, functionName: "currentEpoch" })) <
      target
    ) {
      await new Promise((r) => setTimeout(r, Number(epochLength) * 100));
    }
    for (const m of roster) {
      const owner = await sdk.createSdkClients({
        rpcUrl: anvil.rpcUrl,
        deployment,
        account: m.ownerKey,
        pollingInterval: 200,
      });
      const open = await publicClient.readContract({
        address: engine,
        abi: rewardEngineAbi,
        functionName: "currentEpoch",
      });
      const epochs: bigint[] = [];
      for (let e = 0n; e < open; e++) {
        if (
          (await publicClient.readContract({
            address: engine,
            abi: rewardEngineAbi,
            functionName: "pendingReward",
            args: [m.node, e],
          })) > 0n
        )
          epochs.push(e);
      }
      const ownerAccount = owner.account;
      const ownerWallet = owner.walletClient;
      if (epochs.length === 0 || !ownerAccount || !ownerWallet) continue;
      try {
        const { request } = await publicClient.simulateContract({
          account: ownerAccount,
          address: engine,
          abi: rewardEngineAbi,
          functionName: "claimRewards",
          args: [m.node, epochs],
        });
        await publicClient.waitForTransactionReceipt({ hash: await ownerWallet.writeContract(request) });
      } catch (error) {
        // The node's own claim loop may have raced us to some epoch; its owner got paid either way.
        say(`  claim for ${m.name} skipped: ${(error as Error).message.split("\n")[0]}`);
      }
    }

    const s = await collectStats(requester, roster);
    const summary = {
      jobs: jobsDone,
      unitsAccepted: s.unitsAccepted,
      audits: s.audits,
      disputes: s.disputes,
      slashed: s.slashed,
      minted: s.minted.toString(),
      accuracy: Math.round((inferAccuracy ?? trainAccuracy) * 10_000) / 10_000,
      trainAccuracy: Math.round(trainAccuracy * 10_000) / 10_000,
      predictions,
      usefulFraction: Math.round(useful * 1000) / 1000,
      primaryFraction: Math.round(primaryShare * 1000) / 1000,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      peakRssMb: Math.round(Math.max(...nodes.map((n) => n.peakRssMb()))),
      rssMbByJob,
      heapMbByJob,
      blobsByJob,
    };
    if (!o.headless) {
      say(
        `\ndone: ${jobsDone} jobs, ${s.unitsAccepted} units accepted, ${s.audits} audits, ${s.disputes} disputes, ${s.slashed.length} slashed, ${formatEther(s.minted)} MAI minted`,
      );
      say(`test accuracy of the trained model: ${((inferAccuracy ?? trainAccuracy) * 100).toFixed(2)}%`);
    }
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await stopAll();
  }
}
