import { z } from 'zod';
import { LANGUAGES } from '../../shared/constants';
import { shiftSchema } from '../../routing/shift';

const slug = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-" (1-64)');
const labels = z.array(z.string().trim().min(1).max(100)).max(100);
const contacts = z.partialRecord(z.enum(['1', '2', '3']), z.array(z.string().trim().min(3).max(320)).max(20));

export const departmentCreate = z
  .object({ id: slug, name: z.string().trim().min(1).max(200), nameZh: z.string().trim().min(1).max(200).optional(), categories: labels.default([]), escalationContacts: contacts.default({}) })
  .strict()
  .meta({ id: 'DepartmentCreate' });
export const departmentPatch = departmentCreate.omit({ id: true }).partial().strict();

export const departmentView = z
  .object({ id: z.string(), name: z.string(), nameZh: z.string().nullable(), categories: z.array(z.string()), escalationContacts: z.record(z.string(), z.array(z.string())) })
  .meta({ id: 'Department' });

const shiftInput = z.object({ timeZone: z.string(), hours: z.record(z.string(), z.array(z.string())) });

export const handlerCreate = z
  .object({
    id: slug,
    name: z.string().trim().min(1).max(200),
    email: z.email().optional(),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be E.164').optional(),
    department: slug,
    skills: labels.default([]),
    languages: z.array(z.enum(LANGUAGES)).min(1),
    capacity: z.number().int().min(0).max(1000),
    active: z.boolean().default(true),
    shift: shiftSchema.nullable().optional(),
  })
  .strict()
  .meta({ id: 'HandlerCreate' });
export const handlerPatch = handlerCreate.omit({ id: true }).partial().strict();

export const handlerView = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    department: z.string(),
    skills: z.array(z.string()),
    languages: z.array(z.string()),
    capacity: z.number(),
    openCount: z.number(),
    active: z.boolean(),
    shift: shiftInput.nullable(),
    lastAssignedAt: z.string().nullable(),
  })
  .meta({ id: 'Handler' });

export const handlerUpdated = handlerView.extend({ released: z.number().int() }).meta({ id: 'HandlerUpdated' });
export const slugParams = z.object({ id: slug });
export const queueQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();
