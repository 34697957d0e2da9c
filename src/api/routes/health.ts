import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export interface HealthDeps {
  pingDb: () => Promise<void>;
  pingEngine: () => Promise<void>;
}

const readiness = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.object({ database: z.string(), engine: z.string() }) });

const check = async (fn: () => Promise<void>): Promise<string> => {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    return `unavailable: ${(err as Error).message}`.slice(0, 200);
  }
};

export const healthRoutes =
  ({ pingDb, pingEngine }: HealthDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

    app.get(
      '/readyz',
      { schema: { tags: ['operations'], summary: 'Readiness: the engine and the database answer (why not: with an admin token)', response: { 200: readiness, 503: readiness } } },
      async (req, reply) => {
        const [database, engine] = await Promise.all([check(pingDb), check(pingEngine)]);
        const ok = database === 'ok' && engine === 'ok';
        if (!ok) void reply.header('retry-after', '5');
        // Probes and load balancers need only ok / unavailable; the errors themselves (hosts, ports, driver
        // messages) are for an admin's token.
        const shown = req.principal?.role === 'admin' ? (c: string) => c : (c: string) => (c === 'ok' ? c : 'unavailable');
        return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', checks: { database: shown(database), engine: shown(engine) } });
      },
    );
  };
