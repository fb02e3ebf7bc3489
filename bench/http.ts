import { Agent, request } from "undici";
import { Payi } from "../sdk/index.js";

export interface SdkVsRaw {
  n: number;
  sdkMs: number;
  rawMs: number;
  ratio: number;
  /** Mean time of one raw request, ms: the HTTP floor for the engine figures. */
  rawPerRequestMs: number;
}

/** `n` sequential limits.retrieve through the SDK vs the same GETs with raw undici, alternating rounds. */
export async function sdkVsRaw(url: string, apiKey: string, n: number): Promise<SdkVsRaw> {
  const client = new Payi({ apiKey, baseURL: url });
  await client.limits.create({ limit_name: "bench-retrieve", limit_id: "bench-retrieve", max: 100 });
  const agent = new Agent({ connections: 100, keepAliveTimeout: 30_000 });
  const headers = { "xproxy-api-key": apiKey, accept: "application/json" };
  const raw = async () => {
    const res = await request(`${url}/api/v1/limits/bench-retrieve`, { headers, dispatcher: agent });
    await res.body.json();
  };
  const sdk = async () => {
    await client.limits.retrieve("bench-retrieve");
  };
  for (let i = 0; i < 200; i++) {
    await raw();
    await sdk();
  }
  // Alternate in rounds of 500 so both see the same machine conditions.
  let sdkMs = 0;
  let rawMs = 0;
  for (let done = 0; done < n; done += 500) {
    const batch = Math.min(500, n - done);
    let t = performance.now();
    for (let i = 0; i < batch; i++) await raw();
    rawMs += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < batch; i++) await sdk();
    sdkMs += performance.now() - t;
  }
  await client.close();
  await agent.close();
  return { n, sdkMs, rawMs, ratio: sdkMs / rawMs, rawPerRequestMs: rawMs / n };
}

export interface IngestThroughput {
  clients: number;
  events: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Every limit's total equals the sum of the costs the service returned. */
  totalsMatch: boolean;
}

/** `events` ingests spread over `clients` keep-alive clients, each charged to one shared limit. */
export async function ingestThroughput(url: string, apiKey: string, clients: number, events: number): Promise<IngestThroughput> {
  const setup = new Payi({ apiKey, baseURL: url });
  const limitId = `bench-ingest-${clients}`;
  await setup.limits.create({ limit_name: limitId, limit_id: limitId, max: 100_000_000 });
  await setup.limits.reset(limitId);
  const workers = Array.from({ length: clients }, () => new Payi({ apiKey, baseURL: url }));
  const latencies: number[] = [];
  let costUnits = 0n;
  const perWorker = Math.ceil(events / clients);
  const started = performance.now();
  await Promise.all(
    workers.map(async (c, w) => {
      for (let i = 0; i < perWorker; i++) {
        const t = performance.now();
        const res = await c.ingest.units({
          category: "system.openai",
          resource: "gpt-4o-2024-05-13",
          units: { text: { input: 100 + w, output: 150 + (i % 50) } },
          limit_ids: [limitId],
        });
        latencies.push(performance.now() - t);
        costUnits += BigInt(Math.round((res.xproxy_result.cost?.total?.base ?? 0) * 1e10));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const total = (await setup.limits.retrieve(limitId)).limit.totals.cost.total.base;
  await Promise.all([setup, ...workers].map((c) => c.close()));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    clients,
    events: perWorker * clients,
    eventsPerSecond: (perWorker * clients) / seconds,
    p50Ms: pct(50),
    p99Ms: pct(99),
    totalsMatch: BigInt(Math.round(total * 1e10)) === costUnits,
  };
}
