import { jobMarketAbi } from "@maitoken/protocol";
import type { Address, PublicClient } from "viem";
import { type MarketJob, type MarketView, readMarketJob } from "../daemon/scanMarket.js";
import type { ApiProviders } from "./ApiProviders.js";

const toJson = (j: MarketJob) => ({ id: j.id, ...j.job, batches: j.batches });

/**
 * The API's `/jobs` and `/jobs/:id`. The list is the last market scan: open jobs and the last to
 * finish (the explorer's live view; read-only, never a decision input). A job that finished long ago
 * is no longer in the view, so `/jobs/:id` reads it from the chain.
 * @example
 * const { jobs, job } = createJobProviders({ client, market, view: () => lastView });
 */
export function createJobProviders(p: {
  client: PublicClient;
  market: Address;
  view: () => MarketView | undefined;
}): Required<Pick<ApiProviders, "jobs" | "job">> {
  return {
    jobs: (q) => {
      const view = p.view();
      const jobs = (view?.jobs ?? []).filter(
        (j) => !q.requester || j.job.requester.toLowerCase() === q.requester.toLowerCase(),
      );
      return { head: view?.head, total: jobs.length, jobs: jobs.slice(q.offset, q.offset + q.limit).map(toJson) };
    },
    job: async (id) => {
      const listed = p.view()?.jobs.find((x) => x.id === id);
      if (listed) return toJson(listed);
      const next = await p.client.readContract({ address: p.market, abi: jobMarketAbi, functionName: "nextJobId" });
      return id >= 1n && id < next ? toJson(await readMarketJob(p.client, p.market, id)) : undefined;
    },
  };
}
