import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { requireRoles } from './auth';

/**
 * Prometheus metrics for one app instance: its own registry (so several apps in one process, as in
 * tests, never collide), request counts and latencies by route template, and intake outcomes.
 */
export function registerMetrics(app: FastifyInstance): { complaintsAccepted: Counter<'channel' | 'outcome'> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route template and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const complaintsAccepted = new Counter({ name: 'complaints_accepted_total', help: 'Intake: complaints started (created) or found again (repeat)', labelNames: ['channel', 'outcome'], registers: [registry] });

  app.addHook('onResponse', async (req, reply) => {
    // The route template, never the raw URL: ids and survey tokens must not become label values.
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    latency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { onRequest: requireRoles('admin'), schema: { hide: true } }, async (_req, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return { complaintsAccepted };
}
