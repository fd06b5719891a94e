import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { BaseError } from "../errors.js";
import { createLogger } from "./createLogger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      callback();
    },
  });
  return { lines, destination };
}

test("json format writes one object per line with the role of the child logger", () => {
  const { lines, destination } = capture();
  const logger = createLogger({ format: "json", level: "debug", destination, base: { node: "n1" } });
  logger.child({ role: "miner" }).debug({ jobId: 7, privateKey: "0xdead" }, "leased batch");
  logger.trace("not at this level");
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0] as string);
  assert.equal(line.msg, "leased batch");
  assert.equal(line.role, "miner");
  assert.equal(line.node, "n1");
  assert.equal(line.jobId, 7);
  assert.equal(line.level, 20);
  assert.equal(line.privateKey, "[Redacted]");
  assert.match(line.time, /^\d{4}-\d\d-\d\dT/);
});

test("pretty format writes readable lines synchronously, without a worker thread", () => {
  const { lines, destination } = capture();
  const logger = createLogger({ format: "pretty", level: "info", destination, colorize: false });
  logger.child({ role: "auditor" }).warn({ batch: 3 }, "audit window closing");
  logger.debug("hidden");
  // Written by the time the call returns: no transport thread to wait for.
  assert.ok(lines.length >= 1, "a line was written synchronously");
  assert.match(lines[0] as string, /WARN.*\[auditor\] audit window closing/);
  assert.ok(lines.some((l) => /batch: 3/.test(l)));
  assert.ok(!lines.some((l) => /hidden/.test(l)));
});

test("a bad --log-format or level is refused with a message saying what to use", () => {
  assert.throws(
    () => createLogger({ format: "xml" }),
    (error: unknown) => {
      assert.ok(error instanceof BaseError);
      assert.match(error.message, /--log-format pretty/);
      return true;
    },
  );
  assert.throws(() => createLogger({ level: "loud" }), /Unknown log level "loud"/);
});
