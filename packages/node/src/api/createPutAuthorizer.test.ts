import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createPutAuthorizer } from "./createPutAuthorizer.js";

const node = "0x00000000000000000000000000000000000000a1" as Address;
const requester = "0x00000000000000000000000000000000000000b2" as Address;
const stranger = "0x00000000000000000000000000000000000000c3" as Address;

test("allows registered nodes and live requesters, caches answers for their TTLs, shares lookups", async () => {
  let clock = 1_000;
  const calls: string[] = [];
  let registered = new Set<Address>([node]);
  const authorize = createPutAuthorizer({
    isRegisteredNode: async (address) => {
      calls.push(`node:${address.slice(-2)}`);
      return registered.has(address);
    },
    isLiveRequester: async (address) => {
      calls.push(`req:${address.slice(-2)}`);
      return address === requester;
    },
    allowTtlMs: 1000,
    denyTtlMs: 100,
    now: () => clock,
  });

  assert.deepEqual(await Promise.all([authorize(node), authorize(node), authorize(requester), authorize(stranger)]), [
    true,
    true,
    true,
    false,
  ]);
  assert.deepEqual(calls, ["node:a1", "node:b2", "node:c3", "req:b2", "req:c3"]);

  calls.length = 0;
  clock += 50;
  assert.equal(await authorize(stranger), false);
  assert.equal(await authorize(node), true);
  assert.deepEqual(calls, [], "answers within their TTL come from the cache");

  registered = new Set([node, stranger]);
  clock += 100;
  assert.equal(await authorize(stranger), true, "a refusal expires quickly: a node that just registered gets in");
  registered = new Set();
  assert.equal(await authorize(node), true, "an allowance is trusted for its TTL");
  clock += 1000;
  assert.equal(await authorize(node), false, "then asked again");
});

test("a failing lookup propagates and is not cached", async () => {
  let fail = true;
  const authorize = createPutAuthorizer({
    isRegisteredNode: async () => {
      if (fail) throw new Error("rpc down");
      return true;
    },
    isLiveRequester: async () => false,
  });
  await assert.rejects(authorize(node), /rpc down/);
  fail = false;
  assert.equal(await authorize(node), true);
});

test("forgets the oldest addresses beyond maxEntries", async () => {
  let lookups = 0;
  const authorize = createPutAuthorizer({
    isRegisteredNode: async () => {
      lookups++;
      return true;
    },
    isLiveRequester: async () => false,
    maxEntries: 2,
  });
  await authorize(node);
  await authorize(requester);
  await authorize(stranger);
  assert.equal(lookups, 3);
  await authorize(stranger);
  await authorize(requester);
  assert.equal(lookups, 3);
  await authorize(node);
  assert.equal(lookups, 4, "the oldest entry was evicted");
});
