import { z } from 'zod';
import { LANGUAGES } from '../shared/constants';
import { defaultsFile, readConfigFile } from '../lib/config-file';
import { parseDuration } from '../sla/policy';
import { shiftSchema } from './shift';

const slug = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" or "-"');

const routingSchema = z
  .object({
    defaultDepartment: slug,
    /** A complaint nobody could take for this long escalates to level 1 (the team lead). */
    unassignedEscalationAfter: z
      .string()
      .default('30m')
      .transform((v, ctx) => {
        const d = parseDuration(v);
        if (!d || !('ms' in d)) {
          ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 30m or 2h` });
          return z.NEVER;
        }
        return d.ms;
      }),
    departments: z
      .array(
        z.object({
          id: slug,
          name: z.string().min(1),
          nameZh: z.string().min(1).optional(),
          /** No longer read: the taxonomy maps categories to departments (refused below, with the reason). */
          categories: z.unknown().optional(),
          escalationContacts: z.partialRecord(z.enum(['1', '2', '3']), z.array(z.string().min(1))).default({}),
          calendar: shiftSchema.optional(),
        }),
      )
      .min(1),
    handlers: z
      .array(
        z.object({
          id: slug,
          name: z.string().min(1),
          email: z.email().optional(),
          phone: z.string().optional(),
          department: slug,
          skills: z.array(z.string().min(1)).default([]),
          languages: z.array(z.enum(LANGUAGES)).min(1),
          capacity: z.number().int().min(0),
          active: z.boolean().default(true),
          shift: shiftSchema.optional(),
        }),
      )
      .default([]),
  })
  .superRefine((r, ctx) => {
    const ids = new Set(r.departments.map((d) => d.id));
    r.departments.forEach((d, i) => {
      if (d.categories !== undefined) ctx.addIssue({ code: 'custom', path: ['departments', i, 'categories'], message: 'departments no longer list categories: each category names its department in the taxonomy (TAXONOMY_FILE)' });
    });
    if (!ids.has(r.defaultDepartment)) ctx.addIssue({ code: 'custom', path: ['defaultDepartment'], message: `no department "${r.defaultDepartment}"` });
    r.handlers.forEach((h, i) => {
      if (!ids.has(h.department)) ctx.addIssue({ code: 'custom', path: ['handlers', i, 'department'], message: `no department "${h.department}"` });
    });
  });

export type RoutingFile = z.infer<typeof routingSchema>;

/** Loads the department and handler seed (ROUTING_FILE, else the shipped defaults). */
export function loadRoutingFile(file?: string): RoutingFile {
  return readConfigFile(file ?? defaultsFile('routing.yml'), routingSchema);
}
