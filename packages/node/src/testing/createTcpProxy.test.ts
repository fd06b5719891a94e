import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type StartAnvilReturnType, startAnvil } from "@maitoken/protocol";
import { createPublicClient, http } from "viem";
import { createTcpProxy } from "./createTcpProxy.js";

let anvil: StartAnvilReturnType;
before(async () => {
  anvil = await startAnvil();
});
after(async () => {
  await anvil.stop();
});

test("the proxy forwards, cuts (calls fail) and restores", async () => {
  const proxy = await createTcpProxy({ targetPort: anvil.port });
  try {
    const client = createPublicClient({ transport: http(proxy.url, { retryCount: 0, timeout: 2_000 }) });
    assert.equal(await client.getChainId(), 31337);
    proxy.cut();
    assert.equal(proxy.isCut, true);
    await assert.rejects(client.getBlockNumber());
    await assert.rejects(client.getChainId());
    proxy.restore();
    assert.equal(typeof (await client.getBlockNumber()), "bigint");
  } finally {
    await proxy.close();
  }
});
