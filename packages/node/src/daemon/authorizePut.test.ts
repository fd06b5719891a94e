import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { putBlob } from "../blobs/putBlob.js";
import { anvilKeys } from "../testing/anvilKeys.js";
import { startTestNetwork } from "../testing/startTestNetwork.js";
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

  // Once the job exists (in the node's last scan, or read from the chain if created since), its requester may upload.
  await net.postJob(node, testDataSpec({ seed: 3, start: 0, end: 8 }), { batchSize: 1 });
  const fromRequester = await putBlob(node.url, bytes("from the requester of a live job"), requester);
  assert.ok(node.context.blobs.has(fromRequester.hash));
});
