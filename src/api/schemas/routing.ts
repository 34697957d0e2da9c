import { z } from 'zod';
import { LANGUAGES } from '../../shared/constants';
import { shiftSchema } from '../../routing/shift';

const slug = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-" (1-64)');
const labels = z.array(z.string().trim().min(1).max(100)).max(100);
const contacts = z.partialRecord(z.enum(['1', '2', '3']), z.array(z.string().trim().min(3).max(320)).max(20));

// Fields without defaults: a PATCH must leave out what it does not change, never reset it to a default.
const departmentFields = z.object({
  id: slug,
  name: z.string().trim().min(1).max(200),
  nameZh: z.string().trim().min(1).max(200).optional(),
  escalationContacts: contacts,
  calendar: shiftSchema.nullable().optional(),
});
export const departmentCreate = departmentFields
  .extend({ escalationContacts: contacts.default({}) })
  .strict()
  .meta({ id: 'DepartmentCreate' });
export const departmentPatch = departmentFields.omit({ id: true }).partial().strict();

export const departmentView = z
  .object({
    id: z.string(),
    name: z.string(),
    nameZh: z.string().nullable(),
    categories: z.array(z.string()).meta({ description: 'the categories the taxonomy assigns to this department (change them with PUT /v1/taxonomy)' }),
    escalationContacts: z.record(z.string(), z.array(z.string())),
    calendar: z.object({ timeZone: z.string(), hours: z.record(z.string(), z.array(z.string())), holidays: z.array(z.string()) }).nullable(),
  })
  .meta({ id: 'Department' });

const shiftInput = z.object({ timeZone: z.string(), hours: z.record(z.string(), z.array(z.string())), holidays: z.array(z.string()) });

const handlerFields = z.object({
  id: slug,
  name: z.string().trim().min(1).max(200),
  email: z.email().optional(),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be E.164').optional(),
  department: slug,
  skills: labels,
  languages: z.array(z.enum(LANGUAGES)).min(1),
  capacity: z.number().int().min(0).max(1000),
  active: z.boolean(),
  shift: shiftSchema.nullable().optional(),
});
export const handlerCreate = handlerFields
  .extend({ skills: labels.default([]), active: z.boolean().default(true) })
  .strict()
  .meta({ id: 'HandlerCreate' });
export const handlerPatch = handlerFields.omit({ id: true }).partial().strict();

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
