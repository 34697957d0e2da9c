import autocannon from 'autocannon';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadOptions {
  baseUrl: string;
  token: string;
  requests: LoadRequest[];
  connections: number;
  durationS: number;
}

export interface LoadFigures {
  connections: number;
  durationS: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  okPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/**
 * Closed-loop load over loopback: `connections` clients each send the next request as soon as the last one
 * answered, for a fixed time. Its throughput is the highest rate the server sustains at that concurrency.
 * autocannon runs in a worker thread so the load generator does not share the event loop it measures.
 */
export async function runLoad(o: LoadOptions): Promise<LoadFigures> {
  const result = await autocannon({
    url: o.baseUrl,
    connections: o.connections,
    duration: o.durationS,
    workers: 1,
    headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
    requests: o.requests.map((r) => ({ method: r.method, path: r.path, ...(r.body ? { body: r.body } : {}) })),
  });
  const ok = result['2xx'];
  return {
    connections: o.connections,
    durationS: result.duration,
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    okPerSecond: round(ok / result.duration),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  };
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The q-quantile (0..1) of a list of numbers, nearest rank; NaN for an empty list. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
