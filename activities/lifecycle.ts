import { ApplicationFailure } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import type { Db } from '../src/db/client';
import { applyTransitionTx, getComplaint, lastStepSeq, wftOfVersion, type StepRef } from '../src/db/queries/complaints';
import { getTaxonomy } from '../src/db/queries/taxonomy';
import { departments, handlers, trainingExamples } from '../src/db/schema';
import type { SlaPolicy } from '../src/shared/sla-types';
import type { ComplaintStatus, Priority } from '../src/shared/constants';
import type { Actor } from '../src/shared/types';

export interface LifecycleDeps {
  db: Db;
  slaPolicy: SlaPolicy;
}

interface Step extends StepRef {
  at: string;
  actor: Actor;
  reason: string;
}

// Business refusals are final: retrying would refuse again, so they are non-retryable.
const refuse = (type: string, message: string): ApplicationFailure => ApplicationFailure.create({ type, message, nonRetryable: true });

export function createLifecycleActivities({ db, slaPolicy }: LifecycleDeps) {
  return {
    /** Hands the complaint to a named handler, who must exist and be active. */
    async reassignComplaint(cmd: Step & { handlerId: string; status: ComplaintStatus }): Promise<void> {
      await db.transaction(async (tx) => {
        const [h] = await tx.select().from(handlers).where(eq(handlers.id, cmd.handlerId));
        if (!h) throw refuse('NOT_FOUND', `no handler ${cmd.handlerId}`);
        if (!h.active) throw refuse('INVALID_STATE', `handler ${cmd.handlerId} is not active`);
        await applyTransitionTx(tx, {
          complaintId: cmd.complaintId,
          seq: cmd.seq,
          wft: cmd.wft,
          status: cmd.status,
          patch: { assignee: h.id, department: h.departmentId },
          event: { type: 'reassigned', actor: cmd.actor, at: cmd.at, data: { handlerId: h.id, department: h.departmentId, reason: cmd.reason } },
        });
      });
    },

    /**
     * Moves the complaint to another department's queue (unassigned), which must exist. A department that
     * does not serve the complaint's category takes it as its own main category: the transfer says what
     * kind of matter it is, and the new department's handlers must be able to pick it up.
     */
    async transferComplaint(cmd: Step & { department: string; category?: string }): Promise<{ category: string | undefined }> {
      return db.transaction(async (tx) => {
        const [d] = await tx.select().from(departments).where(eq(departments.id, cmd.department));
        if (!d) throw refuse('NOT_FOUND', `no department ${cmd.department}`);
        const category = cmd.category && d.categories.includes(cmd.category) ? cmd.category : (d.categories[0] ?? cmd.category);
        await applyTransitionTx(tx, {
          complaintId: cmd.complaintId,
          seq: cmd.seq,
          wft: cmd.wft,
          status: 'triaged',
          patch: { department: d.id, assignee: null, category, needsHumanTriage: false },
          event: { type: 'transferred', actor: cmd.actor, at: cmd.at, data: { department: d.id, category, reason: cmd.reason } },
        });
        return { category };
      });
    },

    /**
     * A supervisor corrects (or confirms) the category: kept as a labelled example for retraining, and the
     * complaint moves to the department the current taxonomy names for it (back to its queue when that is
     * another one). A category the taxonomy lacks is refused; the API checks first, this is the last word.
     */
    async recategorizeComplaint(cmd: Step & { category: string }): Promise<{ department: string; moved: boolean }> {
      return db.transaction(async (tx) => {
        const row = await getComplaint(tx, cmd.complaintId);
        if (!row) throw refuse('NOT_FOUND', `no complaint ${cmd.complaintId}`);
        const taxonomy = await getTaxonomy(tx);
        const entry = taxonomy?.document.categories.find((c) => c.id === cmd.category);
        if (taxonomy && !entry) throw refuse('INVALID_ARGUMENT', `no category ${cmd.category} in taxonomy version ${taxonomy.version}`);
        const department = entry?.department ?? row.department ?? '';
        const moved = department !== row.department;
        await tx.insert(trainingExamples).values({
          complaintId: row.id,
          task: 'category',
          language: row.language,
          text: [row.subject, row.body].filter(Boolean).join('\n'),
          label: cmd.category,
          previousLabel: row.category,
          actor: cmd.actor.subject,
        });
        await applyTransitionTx(tx, {
          complaintId: cmd.complaintId,
          seq: cmd.seq,
          wft: cmd.wft,
          ...(moved
            ? { status: 'triaged' as const, patch: { category: cmd.category, department, assignee: null, needsHumanTriage: false, categoryConfidence: 1 } }
            : { patch: { category: cmd.category, needsHumanTriage: false, categoryConfidence: 1 } }),
          event: { type: 'recategorized', actor: cmd.actor, at: cmd.at, data: { from: row.category, to: cmd.category, department, reason: cmd.reason, ...(row.needsHumanTriage ? { confirmedTriage: true } : {}) } },
        });
        return { department, moved };
      });
    },

    /** What a reopened complaint's continuation needs from the read model and the SLA policy. */
    async loadForReopen(complaintId: string): Promise<{ seq: number; wftBase: number; category: string | null; department: string | null; priority: Priority; assignee: string | null; language: string | null; escalationLevel: number; reopenCount: number; sla: SlaPolicy }> {
      const row = await getComplaint(db, complaintId);
      if (!row) throw refuse('NOT_FOUND', `no complaint ${complaintId}`);
      const priority = (row.priority ?? 'P3') as Priority;
      return {
        // The new run numbers its steps after every step of the runs before it, in both parts of the order.
        seq: await lastStepSeq(db, complaintId),
        wftBase: wftOfVersion(row.version) + 1,
        category: row.category,
        department: row.department,
        priority,
        assignee: row.assignee,
        language: row.language,
        escalationLevel: row.escalationLevel,
        reopenCount: row.reopenCount,
        sla: slaPolicy,
      };
    },
  };
}
