import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineAction, withActor, type ValidatedBody } from '../../src/api/action-route';
import { actionBodies, type resolveBody } from '../../src/api/schemas/complaints';
import type { Actor } from '../../src/shared/types';
import { assignUpdate, escalateUpdate, resolveUpdate, withdrawUpdate, type AssignArgs, type EscalateArgs } from '../../workflows/complaint.messages';

/*
 * The binding of request bodies to workflow updates is checked by the compiler: `tsc --noEmit` (which
 * covers test/) fails if a line marked @ts-expect-error compiles, so each mismatched pair below is a test
 * that the helper refuses it. The runtime assertions only keep vitest honest about what it ran.
 */

const supervisor: Actor = { subject: 'sup-1', role: 'supervisor' };
const common = { summary: 'test', roles: ['supervisor' as const], agentOwn: false };

describe('defineAction: a body bound to its update', () => {
  it('hands guard, check and toArgs the schema output', () => {
    expectTypeOf<ValidatedBody<typeof actionBodies.escalate>>().toEqualTypeOf<{ reason: string; level?: number | undefined }>();
    expectTypeOf<ValidatedBody<typeof resolveBody>>().toEqualTypeOf<{ resolution: string }>();
  });

  it('accepts a body that is its update argument without the actor', () => {
    const route = defineAction({ ...common, path: 'assign', body: actionBodies.assign, update: assignUpdate, toArgs: withActor });
    expect(route.path).toBe('assign');
    const args: AssignArgs = withActor({ handlerId: 'h-1', reason: 'cover' }, supervisor);
    expect(args).toEqual({ handlerId: 'h-1', reason: 'cover', actor: supervisor });
  });

  it('refuses a body that lacks a field of the update (withdraw → assign: no handlerId)', () => {
    const route = defineAction({
      ...common,
      path: 'withdraw',
      body: actionBodies.withdraw,
      update: assignUpdate,
      // @ts-expect-error {reason} & actor is not AssignArgs: handlerId is missing
      toArgs: withActor,
    });
    expect(route.path).toBe('withdraw');
  });

  it('refuses a body with other fields than the update (notes → resolve)', () => {
    const route = defineAction({
      ...common,
      path: 'notes',
      body: actionBodies.notes,
      update: resolveUpdate,
      // @ts-expect-error {text} & actor is not ResolveArgs: resolution is missing
      toArgs: withActor,
    });
    expect(route.path).toBe('notes');
  });

  it('refuses a field of the wrong type (a numeric level sent as a string)', () => {
    const stringLevel = z.object({ reason: z.string(), level: z.string().optional() });
    const route = defineAction({
      ...common,
      path: 'escalate',
      body: stringLevel,
      update: escalateUpdate,
      // @ts-expect-error level: string is not EscalateArgs' level: number
      toArgs: withActor,
    });
    expect(route.path).toBe('escalate');
  });

  it('refuses a guard or check that reads a field the body does not have', () => {
    const route = defineAction({
      ...common,
      path: 'withdraw',
      body: actionBodies.withdraw,
      update: withdrawUpdate,
      toArgs: withActor,
      // @ts-expect-error the withdraw body has no level
      guard: (_actor, body) => void body.level,
      // @ts-expect-error the withdraw body has no category
      check: async (_db, body) => void body.category,
    });
    expect(route.path).toBe('withdraw');
  });

  it('binds a body that differs from the update through an explicit toArgs, checked too', () => {
    const toArgs = (body: { reason: string }, actor: Actor): EscalateArgs => ({ reason: body.reason, level: 1, actor });
    const route = defineAction({ ...common, path: 'escalate', body: actionBodies.withdraw, update: escalateUpdate, toArgs });
    expect(route.path).toBe('escalate');
    expect(toArgs({ reason: 'urgent' }, supervisor)).toEqual({ reason: 'urgent', level: 1, actor: supervisor });
    defineAction({
      ...common,
      path: 'escalate',
      body: actionBodies.withdraw,
      update: escalateUpdate,
      // @ts-expect-error an explicit toArgs must still produce the update's argument (actor missing)
      toArgs: (body) => ({ reason: body.reason }),
    });
  });
});
