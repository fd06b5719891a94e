import { Command, Option } from "commander";
import { formatEther } from "viem";
import { type ChainOptions, chainCommand } from "./common/chainOptions.js";
import { connect } from "./common/connect.js";
import { parseBigIntArg, parseIntArg } from "./common/parseArgs.js";
import { printJson } from "./common/printJson.js";
import { readSpecJson } from "./common/readSpecJson.js";

type PriceOptions = { pricePerCu?: bigint; batchSize?: number; json?: boolean };
type SubmitOptions = ChainOptions &
  PriceOptions & {
    deadline: number;
    minAuditBps: number;
    endpoint: string[];
    permit: boolean;
    wait?: boolean;
  };

const priceOptions = (cmd: Command) =>
  cmd
    .option("--price-per-cu <wei>", "price in MAI wei per compute unit (default: the protocol floor)", parseBigIntArg)
    .option("--batch-size <n>", "infer/data units per batch (default 4)", parseIntArg)
    .option("--json", "print one JSON line instead of text");

/**
 * `mai job estimate|submit|status|results|cancel`: a requester's jobs on any chain the protocol is on.
 * @example
 * MAI_KEY=0x... mai job submit examples/mnist-infer.json --rpc http://127.0.0.1:8545 --deployment deployments --wait
 */
export function jobCommand(): Command {
  const job = new Command("job").description("post, watch, verify and cancel compute jobs (requester)");

  job.addCommand(
    priceOptions(chainCommand("estimate", "MAI_KEY"))
      .description("price a job spec: compute units, price, audit reserve, bond and total escrow (sends nothing)")
      .argument("<spec>", "job spec JSON file")
      .action(async (file: string, options: ChainOptions & PriceOptions) => {
        const { estimateJob } = await import("@maitoken/node/sdk");
        const { spec } = readSpecJson(file);
        const clients = await connect(options, false);
        const e = await estimateJob(clients, {
          spec,
          pricePerCU: options.pricePerCu,
          batchSize: options.batchSize,
        });
        const { spec: _spec, ...summary } = e;
        if (options.json) return printJson(summary);
        process.stdout.write(
          [
            `${e.kind} job: ${e.units} units in ${e.batches} batches of ${e.batchSize}${e.chains ? `, ${e.chains} chains` : ""}`,
            `compute      ${e.cu.toFixed(3)} CU (${e.cuPerUnit} CU per unit on chain)`,
            `price        ${formatEther(e.pricePerUnit)} MAI per unit (floor ${formatEther(e.floorPerUnit)})`,
            `escrow       ${formatEther(e.priceEscrow)} MAI`,
            `audit res.   ${formatEther(e.auditReserve)} MAI`,
            `bond         ${formatEther(e.bond)} MAI`,
            `total        ${formatEther(e.total)} MAI`,
            "",
          ].join("\n"),
        );
      }),
  );

  job.addCommand(
    priceOptions(chainCommand("submit", "MAI_KEY"))
      .description(
        "post a job: escrow with a permit, createJob, upload the spec and inputs to the nodes' blob endpoints",
      )
      .argument("<spec>", "job spec JSON file (an infer spec's model path is relative to it)")
      .option("--deadline <seconds>", "seconds from now until no new lease starts", parseIntArg, 3600)
      .option("--min-audit-bps <bps>", "your audit-probability floor in basis points", parseIntArg, 0)
      .option("--endpoint <url...>", "extra blob endpoints to upload to", [])
      .option("--no-permit", "approve + createJob instead of an ERC-2612 permit")
      .option("--wait", "watch the job until it is done")
      .action(async (file: string, options: SubmitOptions) => {
        const { submitJob, watchJob } = await import("@maitoken/node/sdk");
        const { spec, baseDir } = readSpecJson(file);
        const clients = await connect(options, true);
        const result = await submitJob(clients, {
          spec,
          baseDir,
          pricePerCU: options.pricePerCu,
          batchSize: options.batchSize,
          deadlineSeconds: options.deadline,
          minAuditBps: options.minAuditBps,
          blobEndpoints: options.endpoint,
          noPermit: !options.permit,
          onProgress: options.json ? undefined : (m) => process.stderr.write(`  ${m}\n`),
        });
        if (!options.json)
          process.stdout.write(`job ${result.jobId} posted (spec ${result.specHash}, tx ${result.txHash})\n`);
        let last: Awaited<ReturnType<typeof import("@maitoken/node/sdk").getJobStatus>> | undefined;
        if (options.wait) {
          for await (const s of watchJob(clients, result.jobId)) {
            last = s;
            if (!options.json) process.stderr.write(`  ${s.counts.Accepted}/${s.batches} batches accepted\n`);
          }
        }
        if (options.json) {
          printJson({
            jobId: result.jobId,
            specHash: result.specHash,
            txHash: result.txHash,
            total: result.estimate.total,
            uploads: result.uploads,
            ...(last ? { done: last.done, unitsAccepted: last.unitsAccepted } : {}),
          });
        }
      }),
  );

  job.addCommand(
    chainCommand("status", "MAI_KEY")
      .description("show a job's batches by state")
      .argument("<jobId>", "job id", parseBigIntArg)
      .option("--watch", "keep printing until the job is done")
      .option("--json", "print JSON lines")
      .action(async (jobId: bigint, options: ChainOptions & { watch?: boolean; json?: boolean }) => {
        const { getJobStatus, watchJob } = await import("@maitoken/node/sdk");
        const clients = await connect(options, false);
        const show = (s: Awaited<ReturnType<typeof getJobStatus>>) => {
          if (options.json) return printJson({ ...s, batchStates: undefined });
          const counts = Object.entries(s.counts)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${k} ${n}`)
            .join(", ");
          const flags = [s.cancelled && "cancelled", s.frozen && "frozen", s.closed && "closed", s.done && "done"]
            .filter(Boolean)
            .join(" ");
          process.stdout.write(`job ${s.jobId}: ${s.units} units, ${s.batches} batches (${counts}) ${flags}\n`);
        };
        if (!options.watch) return show(await getJobStatus(clients, jobId));
        for await (const s of watchJob(clients, jobId)) show(s);
      }),
  );

  job.addCommand(
    chainCommand("results", "MAI_KEY")
      .description(
        "show each batch's revealed result root; with --spec and --verify N, re-execute N batches and check them",
      )
      .argument("<jobId>", "job id", parseBigIntArg)
      .option("--spec <file>", "the job's spec file (needed to verify)")
      .option("--verify <n>", "re-execute this many accepted batches locally", parseIntArg, 0)
      .option(
        "--fetch-outputs",
        "download each accepted batch's outputs from its miner and prove them against the chain",
      )
      .option("--json", "print one JSON line")
      .action(
        async (
          jobId: bigint,
          options: ChainOptions & {
            spec?: string;
            verify: number;
            fetchOutputs?: boolean;
            json?: boolean;
          },
        ) => {
          const { getResults } = await import("@maitoken/node/sdk");
          const clients = await connect(options, false);
          let spec: unknown;
          let modelBytes: Uint8Array | undefined;
          if (options.spec) {
            const loaded = readSpecJson(options.spec);
            spec = loaded.spec;
            const model = (spec as { model?: { onnx?: unknown } }).model?.onnx;
            if (typeof model === "string") {
              const { readFileSync } = await import("node:fs");
              const path = await import("node:path");
              modelBytes = readFileSync(path.resolve(loaded.baseDir, model));
              const { sha256 } = await import("@maitoken/runtime");
              // submitJob pins the model's hash into the spec; do the same so the spec hash matches.
              const m = (spec as { model: Record<string, unknown> }).model;
              if (m.sha256 === undefined) m.sha256 = sha256(modelBytes);
            }
          }
          const r = await getResults(clients, jobId, {
            spec,
            modelBytes,
            verifyBatches: options.verify,
            fetchOutputs: options.fetchOutputs,
          });
          if (options.json) {
            // Output tensors as row counts in JSON; their bytes are large and already proved.
            return printJson({
              ...r,
              batches: r.batches.map((b) => ({
                ...b,
                outputs: b.outputs?.map((o) => ({ unit: o.unit, rows: o.output.shape[0] })),
              })),
            });
          }
          for (const b of r.batches) {
            process.stdout.write(
              `batch ${b.index}  ${b.state.padEnd(13)} ${b.resultRoot ?? (b.primarySlashed ? "(primary slashed; audited unit from the auditor)" : "-")}${b.verified ? "  verified" : ""}${b.outputs ? `  ${b.outputs.reduce((n, o) => n + (o.output.shape[0] ?? 0), 0)} output rows proved` : ""}${b.outputsError ? `  outputs not proved: ${b.outputsError}` : ""}\n`,
            );
          }
          process.stdout.write(
            `${r.done ? "done" : "in progress"}; ${r.verified} batch(es) re-executed and verified\n`,
          );
        },
      ),
  );

  job.addCommand(
    chainCommand("cancel", "MAI_KEY")
      .description(
        "cancel a job: no new leases, open value refunded minus the cancel fee (credited; pull with `mai rewards --claim`)",
      )
      .argument("<jobId>", "job id", parseBigIntArg)
      .addOption(new Option("--json", "print one JSON line"))
      .action(async (jobId: bigint, options: ChainOptions & { json?: boolean }) => {
        const { cancelJob } = await import("@maitoken/node/sdk");
        const clients = await connect(options, true);
        const r = await cancelJob(clients, jobId);
        if (options.json) return printJson({ jobId, ...r });
        process.stdout.write(
          `job ${jobId} cancelled: ${formatEther(r.refunded)} MAI credited, fee ${formatEther(r.fee)} MAI (tx ${r.txHash})\n`,
        );
      }),
  );
  return job;
}
