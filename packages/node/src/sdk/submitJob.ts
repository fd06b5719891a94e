import { readFileSync } from "node:fs";
import path from "node:path";
import { jobMarketAbi, maiTokenAbi } from "@maitoken/protocol";
import { type JobSpec, canonicalJson, sha256, specHash as hashSpec } from "@maitoken/runtime";
import { type Hex, hexToSignature, parseEventLogs } from "viem";
import { putBlob } from "../blobs/putBlob.js";
import type { SdkClients } from "./createSdkClients.js";
import { type EstimateJobParameters, type EstimateJobReturnType, estimateJob } from "./estimateJob.js";
import { findBlobEndpoints } from "./findBlobEndpoints.js";
import { SdkError } from "./SdkError.js";
import { toSdkError } from "./toSdkError.js";

export const DEVICE_CLASSES = ["CPU", "EDGE", "SERVER", "GPU"] as const;
export type DeviceClassName = (typeof DEVICE_CLASSES)[number];

export type SubmitJobParameters = EstimateJobParameters & {
  /** Where relative paths in the spec (an infer job's ONNX model) are resolved. Default the cwd. */
  baseDir?: string;
  /** Extra input blobs the workload needs besides the spec (and an infer job's model, loaded automatically). */
  dataFiles?: readonly Uint8Array[];
  /** Seconds from now until no new lease starts. Default 3,600. */
  deadlineSeconds?: number;
  /** The requester's audit floor (bps). Default 0 (the protocol's reputation-based rate). */
  minAuditBps?: number;
  minDeviceClass?: DeviceClassName;
  /** Blob endpoints to upload to besides those in the registry metadata. */
  blobEndpoints?: readonly string[];
  /** Use `approve` + `createJob` instead of an ERC-2612 permit. */
  noPermit?: boolean;
  onProgress?: (message: string) => void;
};

export type SubmitJobReturnType = {
  jobId: bigint;
  txHash: Hex;
  specHash: Hex;
  /** The spec as posted (an infer spec gets its model's sha256 pinned when it had none). */
  spec: JobSpec;
  estimate: EstimateJobReturnType;
  /** sha256 (no 0x) of every blob the job needs: the spec, then the model / data files. */
  blobs: string[];
  uploads: { url: string; ok: boolean; error?: string }[];
};

/**
 * Posts a job: validates and prices the spec (nothing is sent when that fails), checks the balance,
 * escrows with a permit and `createJobWithPermit`, then uploads the spec and input blobs to every
 * node endpoint in the registry metadata (uploads are accepted from the requester of a live job,
 * hence after creation). Returns the job id.
 * @example
 * const clients = await createSdkClients({ rpcUrl, deploymentDir: "deployments", account: requesterKey });
 * const spec = JSON.parse(readFileSync("examples/mnist-infer.json", "utf8"));
 * const { jobId } = await submitJob(clients, { spec, baseDir: "examples" });
 */
export async function submitJob(clients: SdkClients, parameters: SubmitJobParameters): Promise<SubmitJobReturnType> {
  const { publicClient, walletClient, account, deployment } = clients;
  const log = parameters.onProgress ?? (() => {});
  if (!walletClient || !account)
    throw new SdkError("NO_ACCOUNT", "Submitting a job needs the requester's key; pass an account");
  const prepared = prepareInputs(parameters);
  const estimate = await estimateJob(clients, {
    ...parameters,
    spec: prepared.spec,
  });
  const spec = estimate.spec;
  const specHash = hashSpec(spec);
  const specBytes = new TextEncoder().encode(canonicalJson(spec));
  const blobs = [specBytes, ...prepared.extra];
  const token = deployment.contracts.token;
  const market = deployment.contracts.jobMarket;

  let balance: bigint;
  try {
    balance = await publicClient.readContract({
      address: token,
      abi: maiTokenAbi,
      functionName: "balanceOf",
      args: [account.address],
    });
  } catch (cause) {
    throw toSdkError(cause, "reading the MAI balance");
  }
  if (balance < estimate.total) {
    throw new SdkError(
      "INSUFFICIENT_BALANCE",
      `The job needs ${estimate.total} MAI wei in escrow but ${account.address} holds ${balance}; fund the account or lower the price`,
      {
        details: { needed: estimate.total, balance, account: account.address },
      },
    );
  }
  const head = await publicClient.getBlock().catch((cause) => {
    throw toSdkError(cause, "reading the head block");
  });
  const deadline = Number(head.timestamp) + (parameters.deadlineSeconds ?? 3_600);
  const params = {
    specHash,
    units: estimate.units,
    batchSize: estimate.batchSize,
    cuPerUnit: estimate.cuPerUnit,
    pricePerUnit: estimate.pricePerUnit,
    auditReserve: estimate.auditReserve,
    requesterBond: estimate.bond,
    deadline,
    minAuditBps: parameters.minAuditBps ?? 0,
    chains: estimate.chains,
    minDeviceClass: DEVICE_CLASSES.indexOf(parameters.minDeviceClass ?? "CPU"),
  } as const;

  let txHash: Hex;
  try {
    if (parameters.noPermit) {
      const allowance = await publicClient.readContract({
        address: token,
        abi: maiTokenAbi,
        functionName: "allowance",
        args: [account.address, market],
      });
      if (allowance < estimate.total) {
        log("approving the escrow");
        const approve = await walletClient.writeContract({
          address: token,
          abi: maiTokenAbi,
          functionName: "approve",
          args: [market, estimate.total],
        });
        const receipt = await publicClient.waitForTransactionReceipt({
          hash: approve,
        });
        if (receipt.status !== "success") throw new SdkError("TX_REVERTED", `approve reverted (tx ${approve})`);
      }
      const { request } = await publicClient.simulateContract({
        account,
        address: market,
        abi: jobMarketAbi,
        functionName: "createJob",
        args: [params],
      });
      txHash = await walletClient.writeContract(request);
    } else {
      const permitDeadline = BigInt(deadline);
      const [nonce, domain] = await Promise.all([
        publicClient.readContract({
          address: token,
          abi: maiTokenAbi,
          functionName: "nonces",
          args: [account.address],
        }),
        publicClient.readContract({
          address: token,
          abi: maiTokenAbi,
          functionName: "eip712Domain",
        }),
      ]);
      const signature = await walletClient.signTypedData({
        domain: {
          name: domain[1],
          version: domain[2],
          chainId: Number(domain[3]),
          verifyingContract: domain[4],
        },
        types: {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        primaryType: "Permit",
        message: {
          owner: account.address,
          spender: market,
          value: estimate.total,
          nonce,
          deadline: permitDeadline,
        },
      });
      const { r, s, v, yParity } = hexToSignature(signature);
      const vByte = Number(v ?? BigInt(yParity + 27));
      // Simulated first, so a revert is reported with its custom error and nothing is sent.
      const { request } = await publicClient.simulateContract({
        account,
        address: market,
        abi: jobMarketAbi,
        functionName: "createJobWithPermit",
        args: [params, permitDeadline, vByte, r, s],
      });
      txHash = await walletClient.writeContract(request);
    }
  } catch (cause) {
    throw toSdkError(cause, "creating the job");
  }
  log(`createJob sent (tx ${txHash})`);
  const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash }).catch((cause) => {
    throw toSdkError(cause, `waiting for tx ${txHash}`);
  });
  if (receipt.status !== "success")
    throw new SdkError("TX_REVERTED", `createJob reverted (tx ${txHash})`, {
      details: { txHash },
    });
  const [created] = parseEventLogs({
    abi: jobMarketAbi,
    logs: receipt.logs,
    eventName: "JobCreated",
  });
  if (!created) throw new SdkError("TX_REVERTED", `createJob (tx ${txHash}) emitted no JobCreated event`);
  const jobId = created.args.jobId;
  log(`job ${jobId} created`);

  const endpoints = [
    ...new Set([...(parameters.blobEndpoints ?? []), ...(await findBlobEndpoints(clients)).map((e) => e.url)]),
  ];
  const uploads: SubmitJobReturnType["uploads"] = [];
  await Promise.all(
    endpoints.map(async (url) => {
      try {
        // A node that has not seen the new job yet refuses at first: retried for a while.
        for (const bytes of blobs)
          await putBlob(url, bytes, account as Parameters<typeof putBlob>[2], { forbiddenRetryMs: 15_000 });
        uploads.push({ url, ok: true });
      } catch (error) {
        uploads.push({
          url,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
  if (endpoints.length > 0 && !uploads.some((u) => u.ok)) {
    throw new SdkError(
      "UPLOAD_FAILED",
      `Job ${jobId} was created but no node accepted its blobs (${uploads.map((u) => `${u.url}: ${u.error}`).join("; ")}); cancel it with \`mai job cancel ${jobId}\` or retry the upload`,
      { details: { jobId, uploads } },
    );
  }
  log(`blobs uploaded to ${uploads.filter((u) => u.ok).length}/${endpoints.length} endpoints`);
  return {
    jobId,
    txHash,
    specHash,
    spec,
    estimate,
    blobs: blobs.map((b) => sha256(b).slice(2)),
    uploads,
  };
}

/** Loads an infer job's ONNX model and pins its hash into the spec (so miners can fetch it by hash). */
function prepareInputs(parameters: SubmitJobParameters): {
  spec: unknown;
  extra: Uint8Array[];
} {
  const extra = [...(parameters.dataFiles ?? [])];
  const raw = parameters.spec as {
    kind?: unknown;
    model?: { onnx?: unknown; sha256?: unknown };
  };
  if (raw && typeof raw === "object" && raw.kind === "infer" && raw.model && typeof raw.model.onnx === "string") {
    const file = path.resolve(parameters.baseDir ?? ".", raw.model.onnx);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (cause) {
      throw new SdkError(
        "BAD_SPEC",
        `Cannot read the model ${file} named by the spec; check model.onnx and the base directory`,
        { cause },
      );
    }
    const hash = sha256(bytes);
    if (typeof raw.model.sha256 === "string" && raw.model.sha256 !== hash) {
      throw new SdkError("BAD_SPEC", `The model ${file} hashes to ${hash} but the spec pins ${raw.model.sha256}`);
    }
    extra.unshift(bytes);
    return { spec: { ...raw, model: { ...raw.model, sha256: hash } }, extra };
  }
  return { spec: parameters.spec, extra };
}
