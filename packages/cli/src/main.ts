import { createProgram } from "./createProgram.js";

try {
  await createProgram().parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
