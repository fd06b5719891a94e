/**
 * Makes sure this hot key is a registered node whose registry metadata is this daemon's URL.
 * With an owner key (devnet) it bonds the stake and registers by itself; without one the operator
 * must have registered beforehand (`mai register`). Returns the owner address.
 */
import { maiTokenAbi, nodeRegistryAbi } from "@maitoken/protocol";
import { type Address, type PublicClient, encodeFunctionData } from "viem";
import type { TxManager } from "../chain/createTxManager.js";
import { BaseError } from "../errors.js";
import type { NodeLogger } from "../log/createLogger.js";

export type EnsureRegisteredParameters = {
  client: PublicClient;
  registry: Address;
  token: Address;
  tx: TxManager;
  ownerTx: TxManager | undefined;
  node: Address;
  url: string;
  stake: bigint;
  deviceClass: number;
  /** Called only when registering or updating the metadata (it may run a device benchmark). */
  capacityCUps: () => Promise<bigint>;
  logger: NodeLogger;
};

type NodeView = {
  owner: Address;
  registered: boolean;
  stake: bigint;
  metadataURI: string;
};

export async function ensureRegistered(p: EnsureRegisteredParameters): Promise<Address | undefined> {
  const getNode = async () =>
    (await p.client.readContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "getNode",
      args: [p.node],
    })) as NodeView;
  let view = await getNode();
  const call = (
    tx: TxManager,
    to: Address,
    abi: typeof nodeRegistryAbi | typeof maiTokenAbi,
    functionName: string,
    args: unknown[],
    id: string,
  ) =>
    tx.submit(id, {
      to,
      data: encodeFunctionData({ abi, functionName, args } as never),
    });
  if (!view.registered) {
    if (!p.ownerTx) {
      throw new BaseError(
        `node ${p.node} is not registered: stake and register it with its owner key first (mai register)`,
        {
          code: "NOT_REGISTERED",
        },
      );
    }
    const owner = p.ownerTx.account;
    if (view.stake < p.stake) {
      const amount = p.stake - view.stake;
      const balance = (await p.client.readContract({
        address: p.token,
        abi: maiTokenAbi,
        functionName: "balanceOf",
        args: [owner],
      })) as bigint;
      if (balance < amount) {
        throw new BaseError(
          `the owner ${owner} holds ${balance} MAI wei, less than the ${amount} needed to stake: fund it first`,
          {
            code: "INSUFFICIENT_FUNDS",
          },
        );
      }
      await call(p.ownerTx, p.token, maiTokenAbi, "approve", [p.registry, amount], `approve-stake:${p.node}:${amount}`);
      await call(p.ownerTx, p.registry, nodeRegistryAbi, "stake", [p.node, amount], `stake:${p.node}:${amount}`);
    }
    await call(
      p.tx,
      p.registry,
      nodeRegistryAbi,
      "register",
      [owner, p.deviceClass, await p.capacityCUps(), p.url],
      `register:${p.node}`,
    );
    p.logger.info({ node: p.node, owner, url: p.url }, "node registered");
    view = await getNode();
  } else if (view.metadataURI !== p.url) {
    await call(
      p.tx,
      p.registry,
      nodeRegistryAbi,
      "setMetadata",
      [p.node, await p.capacityCUps(), p.url],
      `metadata:${p.node}:${p.url}`,
    );
    p.logger.info({ url: p.url }, "registry metadata updated");
  }
  return view.owner;
}
