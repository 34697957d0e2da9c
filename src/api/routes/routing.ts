import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { insertAudit } from '../../db/queries/audit';
import { complaintsToRelease, handlerQueue, waitingInDepartment } from '../../db/queries/queues';
import { getDepartment, getHandler, insertDepartment, insertHandler, listDepartments, listHandlers, updateDepartment, updateHandler } from '../../db/queries/routing';
import type { DepartmentRow, HandlerRow } from '../../db/schema';
import { describeShift } from '../../routing/shift';
import type { Actor } from '../../shared/types';
import { requireRoles } from '../auth';
import type { Engine } from '../engine';
import { AppError } from '../errors';
import { authErrors, errorResponse } from '../schemas/common';
import { complaintPage } from '../schemas/complaints';
import { departmentCreate, departmentPatch, departmentView, handlerCreate, handlerPatch, handlerUpdated, handlerView, queueQuery, slugParams } from '../schemas/routing';
import { summaryView } from '../views';

export interface RoutingRouteDeps {
  db: Db;
  engine: Engine;
}

const departmentOut = (d: DepartmentRow) => ({
  id: d.id,
  name: d.name,
  nameZh: d.nameZh,
  categories: d.categories,
  escalationContacts: d.escalationContacts as Record<string, string[]>,
  calendar: describeShift(d.calendar),
});
const handlerOut = (h: HandlerRow) => ({
  id: h.id,
  name: h.name,
  email: h.email,
  phone: h.phone,
  department: h.departmentId,
  skills: h.skills,
  languages: h.languages,
  capacity: h.capacity,
  openCount: h.openCount,
  active: h.active,
  shift: describeShift(h.shift),
  lastAssignedAt: h.lastAssignedAt?.toISOString() ?? null,
});

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.null() });
const errors = { 404: errorResponse, 409: errorResponse, ...authErrors };

/** Departments, handlers and agents' queues. Staff changes take effect on open complaints at once. */
export const routingRoutes =
  ({ db, engine }: RoutingRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const audit = (actor: Actor, action: string, data: Record<string, unknown>) => insertAudit(db, { actor: actor.subject, role: actor.role, action, data });
    const wakeDepartment = async (department: string) => engine.wake(await waitingInDepartment(db, department, 100));
    const needDepartment = async (id: string, path: string) => {
      if (!(await getDepartment(db, id))) throw new AppError('VALIDATION_FAILED', `No department ${id}.`, [{ path, message: `no department "${id}"` }]);
    };

    /**
     * A deactivated handler gives up every open complaint; a cut capacity gives up the newest beyond it.
     * Each goes back to its department queue through a release signal to its workflow.
     */
    const redistribute = async (h: HandlerRow, reason: string): Promise<number> => {
      const ids = await complaintsToRelease(db, h.id, h.active ? h.capacity : 0);
      await engine.release(ids, h.id, reason);
      return ids.length;
    };

    app.get('/v1/departments', { onRequest: requireRoles('admin', 'supervisor'), schema: { tags: ['routing'], summary: 'Departments', response: { 200: list(departmentView), ...authErrors } } }, async () => ({
      items: (await listDepartments(db)).map(departmentOut),
      nextCursor: null,
    }));

    app.post(
      '/v1/departments',
      { onRequest: requireRoles('admin'), schema: { tags: ['routing'], summary: 'Create a department', body: departmentCreate, response: { 201: departmentView, ...errors } } },
      async (req, reply) => {
        if (!(await insertDepartment(db, req.body))) throw new AppError('INVALID_STATE', `Department ${req.body.id} exists.`, [{ path: 'body.id', message: 'taken' }]);
        await audit(req.principal!, 'department_created', req.body);
        return reply.status(201).send(departmentOut((await getDepartment(db, req.body.id))!));
      },
    );

    app.patch(
      '/v1/departments/:id',
      { onRequest: requireRoles('admin'), schema: { tags: ['routing'], summary: 'Change a department', params: slugParams, body: departmentPatch, response: { 200: departmentView, ...errors } } },
      async (req) => {
        const row = await updateDepartment(db, req.params.id, req.body);
        if (!row) throw new AppError('NOT_FOUND', `No department ${req.params.id}.`);
        await audit(req.principal!, 'department_updated', { id: row.id, ...req.body });
        return departmentOut(row);
      },
    );

    app.get(
      '/v1/handlers',
      { onRequest: requireRoles('admin', 'supervisor'), schema: { tags: ['routing'], summary: 'Handlers', querystring: z.object({ department: z.string().optional() }).strict(), response: { 200: list(handlerView), ...authErrors } } },
      async (req) => ({ items: (await listHandlers(db, req.query.department)).map(handlerOut), nextCursor: null }),
    );

    app.post(
      '/v1/handlers',
      { onRequest: requireRoles('admin'), schema: { tags: ['routing'], summary: 'Create a handler', body: handlerCreate, response: { 201: handlerView, ...errors } } },
      async (req, reply) => {
        const { department, shift, ...h } = req.body;
        await needDepartment(department, 'body.department');
        if (!(await insertHandler(db, { ...h, departmentId: department, shift: shift ?? null }))) throw new AppError('INVALID_STATE', `Handler ${h.id} exists.`, [{ path: 'body.id', message: 'taken' }]);
        await audit(req.principal!, 'handler_created', { id: h.id, department });
        await wakeDepartment(department);
        return reply.status(201).send(handlerOut((await getHandler(db, h.id))!));
      },
    );

    app.patch(
      '/v1/handlers/:id',
      { onRequest: requireRoles('admin', 'supervisor'), schema: { tags: ['routing'], summary: 'Change a handler (deactivation or a capacity cut redistributes their complaints)', params: slugParams, body: handlerPatch, response: { 200: handlerUpdated, ...errors } } },
      async (req) => {
        const { department, shift, ...rest } = req.body;
        if (department) await needDepartment(department, 'body.department');
        const row = await updateHandler(db, req.params.id, { ...rest, ...(department ? { departmentId: department } : {}), ...(shift !== undefined ? { shift } : {}) });
        if (!row) throw new AppError('NOT_FOUND', `No handler ${req.params.id}.`);
        const released = await redistribute(row, row.active ? 'capacity_cut' : 'handler_deactivated');
        await audit(req.principal!, 'handler_updated', { id: row.id, ...req.body, released });
        // More room (or a new shift) may let waiting complaints in.
        await wakeDepartment(row.departmentId);
        return { ...handlerOut(row), released };
      },
    );

    app.delete(
      '/v1/handlers/:id',
      { onRequest: requireRoles('admin'), schema: { tags: ['routing'], summary: 'Deactivate a handler (kept for the history); their open complaints are redistributed', params: slugParams, response: { 200: handlerUpdated, ...errors } } },
      async (req) => {
        const row = await updateHandler(db, req.params.id, { active: false });
        if (!row) throw new AppError('NOT_FOUND', `No handler ${req.params.id}.`);
        const released = await redistribute(row, 'handler_deactivated');
        await audit(req.principal!, 'handler_deactivated', { id: row.id, released });
        return { ...handlerOut(row), released };
      },
    );

    app.get(
      '/v1/handlers/:id/queue',
      { onRequest: requireRoles('agent', 'supervisor', 'admin'), schema: { tags: ['routing'], summary: "A handler's open complaints, nearest SLA deadline first", params: slugParams, querystring: queueQuery, response: { 200: complaintPage, ...errors } } },
      async (req) => {
        const actor = req.principal!;
        if (actor.role === 'agent' && actor.subject !== req.params.id) throw new AppError('FORBIDDEN', 'Agents see only their own queue.');
        if (!(await getHandler(db, req.params.id))) throw new AppError('NOT_FOUND', `No handler ${req.params.id}.`);
        return { items: (await handlerQueue(db, req.params.id, req.query.limit)).map((r) => summaryView(r)), nextCursor: null };
      },
    );
  };
