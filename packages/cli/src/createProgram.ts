import { Command } from "commander";
import { benchCommand } from "./commands/bench.js";
import { runCommand } from "./commands/run.js";

/**
 * The `mai` command tree. Each subcommand lives in `commands/<name>.ts` and is added here.
 * @example
 * await createProgram().parseAsync(["node", "mai", "run", "examples/mnist-mlp-train-small.json", "--json"]);
 */
export function createProgram(): Command {
  const program = new Command("mai")
    .description("mAIToken: run, verify and benchmark useful AI compute")
    .showHelpAfterError()
    .exitOverride((err) => {
      // Help and version are not failures; usage errors exit 1 after commander printed them.
      process.exit(err.exitCode === 0 ? 0 : 1);
    });
  program.addCommand(runCommand());
  program.addCommand(benchCommand());
  return program;
}
