import assert from "node:assert/strict";
import { test } from "node:test";
import { HttpRequestError } from "viem";
import { BaseError, isRetryable } from "./errors.js";

test("BaseError keeps message, details, cause and the retryable mark", () => {
  const cause = new Error("socket hang up");
  const error = new BaseError("RPC unreachable", {
    details: { url: "http://x" },
    cause,
    retryable: true,
    code: "RPC",
  });
  assert.equal(error.message, "RPC unreachable");
  assert.deepEqual(error.details, { url: "http://x" });
  assert.equal(error.cause, cause);
  assert.equal(error.code, "RPC");
  assert.equal(isRetryable(error), true);
  assert.equal(isRetryable(new BaseError("bad config")), false);
  assert.deepEqual(JSON.parse(JSON.stringify(error)).cause, "socket hang up");
});

test("isRetryable judges foreign errors by shape and walks the cause chain", () => {
  assert.equal(isRetryable(new HttpRequestError({ url: "http://127.0.0.1:1" })), true);
  assert.equal(isRetryable(new HttpRequestError({ url: "http://x", status: 503 })), true);
  assert.equal(isRetryable(new HttpRequestError({ url: "http://x", status: 400 })), false);
  const refused = Object.assign(new Error("connect ECONNREFUSED"), {
    code: "ECONNREFUSED",
  });
  assert.equal(isRetryable(new Error("wrapped", { cause: refused })), true);
  assert.equal(
    isRetryable(
      new Error("wrapped", {
        cause: new BaseError("no", { retryable: false }),
      }),
    ),
    false,
  );
  assert.equal(isRetryable(new RangeError("bug")), false);
  assert.equal(isRetryable("string"), false);
});
