import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { BusinessCalendar } from '../../shared/sla-types';

/** A department serves a set of categories; its escalation contacts are notified per level (1..3). */
export const departments = pgTable('departments', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  nameZh: text('name_zh'),
  categories: text('categories').array().notNull().default([]),
  escalationContacts: jsonb('escalation_contacts').$type<Record<string, string[]>>().notNull().default({}),
  /** The department's business calendar for SLA clocks; null uses the SLA policy's calendar. */
  calendar: jsonb('calendar').$type<BusinessCalendar>(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type DepartmentRow = typeof departments.$inferSelect;
