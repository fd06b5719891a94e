import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import path from "node:path";
import type { Hex } from "viem";

export type NodeProcess = {
  name: string;
  url: string;
  child: ChildProcess;
  peakRssMb: () => number;
  stop: () => Promise<void>;
};

export type StartNodeProcessParameters = {
  name: string;
  repoRoot: string;
  rpcUrl: string;
  deploymentDir: string;
  dataDir: string;
  nodeKey: Hex;
  ownerKey: Hex;
  cheat: boolean;
  /** Registered compute units per second (the market sizes leases from it). */
  capacity: number;
  /** Blocks a batch stays open before the node leases it (the node's default when absent). */
  leaseDelayBlocks?: number;
  timeoutMs?: number;
  /** Called at once with the stop function, so a caller can stop a node that is still starting. */
  onSpawn?: (stop: () => Promise<void>) => void;
};

/**
 * Starts `mai node start` as a child process (its own data dir and keys) and resolves with its URL
 * once it prints `ready <url>`. Logs go to `<dataDir>/node.log`. Peak RSS is sampled from /proc.
 */
export function startNodeProcess(p: StartNodeProcessParameters): Promise<NodeProcess> {
  const args = [
    path.join(p.repoRoot, "packages/cli/bin/mai.mjs"),
    "node",
    "start",
    "--rpc",
    p.rpcUrl,
    "--deployments",
    p.deploymentDir,
    "--data-dir",
    p.dataDir,
    "--roles",
    "miner,auditor,keeper",
    "--capacity",
    String(p.capacity),
    ...(p.leaseDelayBlocks ? ["--lease-delay", String(p.leaseDelayBlocks)] : []),
    ...(p.cheat ? ["--cheat"] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: p.repoRoot,
    env: { ...process.env, MAI_NODE_KEY: p.nodeKey, MAI_OWNER_KEY: p.ownerKey, MAI_LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(path.join(p.dataDir, "node.log"));
  child.stderr?.pipe(log);
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {}
  }, 1000);
  sampler.unref();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  p.onSpawn?.(stop);
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(
          `node ${p.name} did not print "ready" within ${(p.timeoutMs ?? 120_000) / 1000} s; see ${p.dataDir}/node.log`,
        ),
      );
    }, p.timeoutMs ?? 120_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ name: p.name, url: match[1] as string, child, peakRssMb: () => peak, stop });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${p.name} exited with code ${code} before it was ready; see ${p.dataDir}/node.log`));
    });
  });
}
