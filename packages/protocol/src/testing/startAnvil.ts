import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { findRepoRoot } from "./findRepoRoot.js";

export type StartAnvilParameters = {
  /** Extra anvil flags, e.g. `["--block-time", "1"]`. */
  args?: readonly string[];
  /** How long to wait for the RPC to answer (ms). */
  timeoutMs?: number;
};
export type StartAnvilReturnType = {
  rpcUrl: string;
  port: number;
  /** Kills the anvil process and waits for it to exit. Safe to call twice. */
  stop: () => Promise<void>;
};

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The native anvil binary when the platform package is installed, else the npm wrapper. */
function anvilBinary(root: string): string {
  const native = path.join(
    root,
    "node_modules",
    "@foundry-rs",
    `anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`,
    "bin",
    "anvil",
  );
  if (existsSync(native)) return native;
  return path.join(root, "node_modules", ".bin", "anvil");
}

async function answers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts a throwaway anvil on a free loopback port and resolves once it answers JSON-RPC.
 * Always call `stop()` (e.g. in `after`), so no process outlives the test.
 * @example
 * const anvil = await startAnvil();
 * try { ... createPublicClient({ transport: http(anvil.rpcUrl) }) ... } finally { await anvil.stop(); }
 */
export async function startAnvil(parameters: StartAnvilParameters = {}): Promise<StartAnvilReturnType> {
  const { args = [], timeoutMs = 15_000 } = parameters;
  const root = findRepoRoot();
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    anvilBinary(root),
    ["--port", String(port), "--host", "127.0.0.1", "--silent", ...args],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let dead = false;
  child.once("exit", () => {
    dead = true;
  });

  const stop = async (): Promise<void> => {
    if (dead) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  while (!(await answers(rpcUrl))) {
    if (dead) throw new Error(`anvil exited before answering on ${rpcUrl}: ${stderr.trim() || "no output"}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`anvil did not answer on ${rpcUrl} within ${timeoutMs} ms: ${stderr.trim() || "no output"}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { rpcUrl, port, stop };
}
