import { isMainThread, workerData } from "node:worker_threads";

if (!isMainThread && (workerData as { maiUnitWorker?: boolean } | undefined)?.maiUnitWorker) {
  // A node's compute worker thread started from the CLI bundle (it runs the bundle itself).
  const { serveUnits } = await import("@maitoken/node/unitWorker");
  serveUnits();
} else {
  const { createProgram } = await import("./createProgram.js");
  try {
    await createProgram().parseAsync(process.argv);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
