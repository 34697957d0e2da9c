import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { BusinessCalendar } from '../../shared/sla-types';
import { departments } from './departments';

/**
 * Handlers (agents). `openCount` is the live load; it only changes inside the same transaction that moves
 * a complaint in or out of an assigned status, and the check constraint makes over-capacity impossible.
 */
export const handlers = pgTable(
  'handlers',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id),
    skills: text('skills').array().notNull().default([]),
    languages: text('languages').array().notNull().default([]),
    capacity: integer('capacity').notNull(),
    openCount: integer('open_count').notNull().default(0),
    active: boolean('active').notNull().default(true),
    /** Working hours in the handler's zone; null means always on shift. Holidays are the handler's own. */
    shift: jsonb('shift').$type<BusinessCalendar>(),
    lastAssignedAt: timestamp('last_assigned_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('handlers_department_idx').on(t.departmentId, t.active),
    check('handlers_capacity_positive', sql`${t.capacity} >= 0`),
    check('handlers_open_count_range', sql`${t.openCount} >= 0`),
  ],
);

export type HandlerRow = typeof handlers.$inferSelect;
