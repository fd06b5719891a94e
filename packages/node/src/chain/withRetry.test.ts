import assert from "node:assert/strict";
import { test } from "node:test";
import { BaseError } from "../errors.js";
import { withRetry } from "./withRetry.js";

test("withRetry retries retryable errors with growing, capped delays and then succeeds", async () => {
  let calls = 0;
  const delays: number[] = [];
  const value = await withRetry(
    async () => {
      calls++;
      if (calls < 5) throw new BaseError("down", { retryable: true });
      return "ok";
    },
    { baseDelayMs: 4, maxDelayMs: 16, onRetry: (_e, _a, d) => delays.push(d) },
  );
  assert.equal(value, "ok");
  assert.equal(calls, 5);
  assert.equal(delays.length, 4);
  for (const [i, d] of delays.entries()) {
    const cap = Math.min(16, 4 * 2 ** i);
    assert.ok(d >= cap / 2 && d <= cap, `delay ${d} outside [${cap / 2}, ${cap}]`);
  }
});

test("withRetry throws a non-retryable error at once and stops on abort or maxAttempts", async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(async () => {
      calls++;
      throw new BaseError("bad input");
    }),
    /bad input/,
  );
  assert.equal(calls, 1);
  await assert.rejects(
    withRetry(
      async () => {
        throw new BaseError("down", { retryable: true });
      },
      { maxAttempts: 3, baseDelayMs: 1 },
    ),
    (e: unknown) => e instanceof BaseError && e.code === "RETRY_EXHAUSTED" && e.details.attempts === 3,
  );
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("shutdown")), 20);
  await assert.rejects(
    withRetry(
      async () => {
        throw new BaseError("down", { retryable: true });
      },
      { baseDelayMs: 5, signal: controller.signal },
    ),
    /shutdown/,
  );
});
