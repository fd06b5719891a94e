import { Command } from "commander";
import { benchCommand } from "./commands/bench.js";
import { deployCommand } from "./commands/deploy.js";
import { devnetCommand } from "./commands/devnet.js";
import { jobCommand } from "./commands/job.js";
import { keysCommand } from "./commands/keys.js";
import { nodeCommand } from "./commands/nodeStart.js";
import { registerCommand } from "./commands/register.js";
import { rewardsCommand } from "./commands/rewards.js";
import { runCommand } from "./commands/run.js";
import { stakeCommand } from "./commands/stake.js";
import { unbondCommand } from "./commands/unbond.js";
import { unjailCommand } from "./commands/unjail.js";
import { withdrawCommand } from "./commands/withdraw.js";

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
  program.addCommand(jobCommand());
  program.addCommand(keysCommand());
  program.addCommand(registerCommand());
  program.addCommand(stakeCommand());
  program.addCommand(unbondCommand());
  program.addCommand(withdrawCommand());
  program.addCommand(unjailCommand());
  program.addCommand(rewardsCommand());
  program.addCommand(deployCommand());
  program.addCommand(devnetCommand());
  program.addCommand(nodeCommand());
  return program;
}
