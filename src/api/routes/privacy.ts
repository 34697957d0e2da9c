import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { eraseCustomer } from '../../db/queries/erasure';
import { requireRoles } from '../auth';
import { authErrors } from '../schemas/common';

const params = z.object({ customerId: z.string().min(1).max(200) });
const body = z.object({ reason: z.string().trim().min(1, 'must not be empty').max(2000) }).strict();
const result = z.object({ customerId: z.string(), complaints: z.number().int() }).meta({ id: 'ErasureResult' });

/** Data-subject requests: erasing a customer's personal data, with an audit record of the erasure. */
export const privacyRoutes =
  ({ db }: { db: Db }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/customers/:customerId/erasure',
      {
        onRequest: requireRoles('admin'),
        schema: { tags: ['privacy'], summary: "Erase a customer's name, email, phone and texts from the read model, timeline and outbox", params, body, response: { 200: result, ...authErrors } },
      },
      async (req) => {
        const r = await eraseCustomer(db, req.params.customerId, req.principal!, req.body.reason);
        return { customerId: req.params.customerId, complaints: r.complaints };
      },
    );
  };
