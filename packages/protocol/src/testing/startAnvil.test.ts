import assert from "node:assert/strict";
import { test } from "node:test";
import { startAnvil } from "./startAnvil.js";

test("startAnvil answers JSON-RPC and stop() frees the port", async () => {
  const anvil = await startAnvil();
  try {
    const res = await fetch(anvil.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    const body = (await res.json()) as { result: string };
    assert.equal(body.result, "0x7a69"); // anvil's default chain id 31337
  } finally {
    await anvil.stop();
    await anvil.stop(); // idempotent
  }
  await assert.rejects(fetch(anvil.rpcUrl, { method: "POST", body: "{}" }));
});
