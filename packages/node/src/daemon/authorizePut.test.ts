import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { putBlob } from "../blobs/putBlob.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { startTestNetwork, waitFor } from "../testing/startTestNetwork.js";
import { testDataSpec } from "../testing/testDataSpec.js";

let net: Awaited<ReturnType<typeof startTestNetwork>>;
before(async () => {
  net = await startTestNetwork();
});
after(async () => {
  await net?.stop();
});

const bytes = (s: string) => new TextEncoder().encode(s);

test("a node accepts uploads from registered nodes and requesters of live jobs, and refuses anyone else", async () => {
  const node = await net.startNode(0, { roles: ["keeper"] });
  const nodeAccount = privateKeyToAccount(anvilKeys[2] as Hex);
  const requester = privateKeyToAccount(anvilKeys[7] as Hex);
  const stranger = privateKeyToAccount(generatePrivateKey());

  const refused = await putBlob(node.url, bytes("from a stranger"), stranger).catch((error: Error) => error);
  assert.ok(refused instanceof Error, "an address with no node and no job may not upload");
  assert.match(refused.message, /403|may not upload/i);
  assert.equal(node.context.blobs.list().length, 0, "nothing was stored");

  const fromNode = await putBlob(node.url, bytes("from a registered node"), nodeAccount);
  assert.ok(node.context.blobs.has(fromNode.hash));

  // Once the job exists (in the node's last scan, or read from the chain if created since), its requester
  // may upload. The upload starts before the job is created: refused at first, retried until accepted.
  const refusals = await forbiddenAnswers(node.url);
  const fromRequester = putBlob(node.url, bytes("from the requester of a live job"), requester, {
    forbiddenRetryMs: 30_000,
  });
  await waitFor("the requester's first try refused", async () =>
    (await forbiddenAnswers(node.url)) > refusals ? true : undefined,
  );
  await net.postJob(node, testDataSpec({ seed: 3, start: 0, end: 8 }), { batchSize: 1 });
  assert.ok(node.context.blobs.has((await fromRequester).hash));

  // The daemon's blob store keeps its gauges current.
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const held = node.context.blobs.list();
  assert.equal(held.length, 3, "the spec the test put, and the node's and the requester's uploads");
  assert.match(text, new RegExp(`^mai_blob_store_blobs(\\{[^}]*\\})? ${held.length}$`, "m"));
  assert.match(text, /^mai_blob_store_bytes(\{[^}]*\})? [1-9]\d*$/m);
});

/** PUTs a node refused as forbidden, from its /metrics. */
async function forbiddenAnswers(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith("mai_http_requests_total{") && l.includes('method="PUT"') && l.includes('status="403"'));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}
