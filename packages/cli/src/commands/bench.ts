import { cpus } from "node:os";
import { Command } from "commander";

/**
 * `mai bench`: CU per second this device sustains for each workload kind.
 * @example
 * mai bench --json --seconds 1
 */
export function benchCommand(): Command {
  return new Command("bench")
    .description("measure this device's compute units per second for train, infer and data workloads")
    .option("--json", "print one JSON object on stdout")
    .option("--seconds <n>", "measuring time per workload kind", "2")
    .action(async (options: { json?: boolean; seconds: string }) => {
      const seconds = Number(options.seconds);
      if (!(seconds > 0 && seconds <= 600))
        throw new Error(`--seconds must be a number in (0, 600], got "${options.seconds}"`);
      const { benchDevice } = await import("@maitoken/runtime");
      const result = await benchDevice({ seconds });
      const cpu = cpus()[0]?.model ?? "unknown";
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ...result, cpu, unit: "CU/s" })}\n`);
        return;
      }
      process.stdout.write(
        [
          `device      ${cpu} (${result.backend} kernels, ${result.engine})`,
          `train       ${result.train.toFixed(3)} CU/s`,
          `infer       ${result.infer.toFixed(3)} CU/s`,
          `data        ${result.data.toFixed(3)} CU/s`,
          "(1 CU = 1e9 canonical FLOPs; one thread)",
        ]
          .map((line) => `${line}\n`)
          .join(""),
      );
    });
}
