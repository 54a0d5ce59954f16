/**
 * The work order's state machine as a pure table, so the rules are read (and unit-tested) in one
 * place and the service only reads, checks and writes conditionally.
 *
 *   new → scheduled (a window) → dispatched (an engineer and a window) → accepted → en_route
 *       → on_site → completed | cannot_complete
 *   reject (the engineer): dispatched/accepted → scheduled, without an engineer (back to the pool)
 *   cancel: from any state before completed / cannot_complete
 */
export const WO_KINDS = ['repair', 'installation', 'maintenance', 'inspection'] as const;
export const WO_STATUSES = ['new', 'scheduled', 'dispatched', 'accepted', 'en_route', 'on_site', 'completed', 'cannot_complete', 'cancelled'] as const;
export const WO_STEPS = ['accept', 'reject', 'depart', 'arrive', 'complete', 'cannot_complete', 'cancel'] as const;
export const CANNOT_COMPLETE_REASONS = ['customer_absent', 'part_missing', 'quote_declined', 'other'] as const;

export type WoKind = (typeof WO_KINDS)[number];
export type WoStatus = (typeof WO_STATUSES)[number];
export type WoStep = (typeof WO_STEPS)[number];

/** Statuses in which the dispatcher still plans: engineer and window may change. */
export const PLANNING: readonly WoStatus[] = ['new', 'scheduled', 'dispatched', 'accepted'];
/** Statuses after which nothing changes any more. */
export const FINAL: readonly WoStatus[] = ['completed', 'cannot_complete', 'cancelled'];
/** Statuses in which the on-site clock has started (the work order was dispatched at least once). */
export const BEFORE_ARRIVAL: readonly WoStatus[] = ['new', 'scheduled', 'dispatched', 'accepted', 'en_route'];

export const TRANSITIONS: Record<WoStep, { from: readonly WoStatus[]; to: WoStatus }> = {
  accept: { from: ['dispatched'], to: 'accepted' },
  reject: { from: ['dispatched', 'accepted'], to: 'scheduled' },
  depart: { from: ['accepted'], to: 'en_route' },
  arrive: { from: ['en_route'], to: 'on_site' },
  complete: { from: ['on_site'], to: 'completed' },
  cannot_complete: { from: ['accepted', 'en_route', 'on_site'], to: 'cannot_complete' },
  cancel: { from: ['new', 'scheduled', 'dispatched', 'accepted', 'en_route', 'on_site'], to: 'cancelled' },
};

/** The status a step leads to from `from`, or null when the step does not follow. */
export function nextStatus(from: WoStatus, step: WoStep): WoStatus | null {
  const t = TRANSITIONS[step];
  return t.from.includes(from) ? t.to : null;
}

/** Steps only a dispatcher takes; the others the assigned engineer takes (or a dispatcher for them). */
export const DISPATCHER_STEPS: readonly WoStep[] = ['cancel'];

/** The steps that may follow a status (the engineer's phone shows these as buttons). */
export function stepsFrom(status: WoStatus): WoStep[] {
  return WO_STEPS.filter((s) => TRANSITIONS[s].from.includes(status));
}

/**
 * The status a planning change leaves: no window is `new`, a window without an engineer is
 * `scheduled`, both are `dispatched` — or still `accepted` when the accepted engineer stays.
 * Null when the work order is past planning (the engineer is on the way, on site, or done).
 */
export function plannedStatus(current: WoStatus, plan: { engineer: boolean; window: boolean; sameEngineer: boolean }): WoStatus | null {
  if (!PLANNING.includes(current)) return null;
  if (!plan.window) return 'new';
  if (!plan.engineer) return 'scheduled';
  return current === 'accepted' && plan.sameEngineer ? 'accepted' : 'dispatched';
}
