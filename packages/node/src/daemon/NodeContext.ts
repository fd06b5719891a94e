import type { Deployment } from "@maitoken/protocol";
import type { Address, PublicClient } from "viem";
import type { BlobStore } from "../blobs/createBlobStore.js";
import type { TxManager } from "../chain/createTxManager.js";
import type { NodeOptions } from "../config/buildOptions.js";
import type { NodeLogger } from "../log/createLogger.js";
import type { NodeMetrics } from "../metrics/createMetrics.js";
import type { ComputeLoad } from "./createComputeLoad.js";
import type { Store } from "../store/openStore.js";

/**
 * The `common` object the daemon hands to every role: options, logger, metrics and the shutdown
 * signal, plus the node's chain, store and blob handles and its compute load. Roles hold no other
 * shared state.
 */
export type NodeContext = {
  options: NodeOptions;
  logger: NodeLogger;
  metrics: NodeMetrics;
  /** Aborted on SIGINT/SIGTERM: roles stop between steps, never inside a DB write. */
  shutdown: AbortSignal;
  client: PublicClient;
  deployment: Deployment;
  /** The hot node key's address. */
  address: Address;
  /** The owner's address (from the registry, or the owner key). */
  owner: Address | undefined;
  tx: TxManager;
  /** Present only with an owner key (devnet): withdraws the owner's credits. */
  ownerTx: TxManager | undefined;
  store: Store;
  blobs: BlobStore;
  /** This node's public HTTP URL (its registry metadata). */
  url: string;
  /** Measured speed and the work the roles hold (lease and seat admission). */
  compute: ComputeLoad;
};
