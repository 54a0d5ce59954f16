/**
 * The return and exchange (退换货) state machine, as a table:
 * requested → approved | rejected; approved → received → inspected → refunded | replaced |
 * repaired; rejected and the three outcomes → closed. The outcome may stay within what was asked
 * or be less (an exchange may end as a repair), never more (a repair never ends as a refund).
 */
export const RETURN_KINDS = ['return', 'exchange', 'repair'] as const;
export const RETURN_STATUSES = ['requested', 'approved', 'rejected', 'received', 'inspected', 'refunded', 'replaced', 'repaired', 'closed'] as const;
export const RETURN_EVENTS = ['approve', 'reject', 'receive', 'inspect', 'refund', 'replace', 'repair', 'close'] as const;
/** why a return is asked for, for the product-quality report (三包 covers performance faults) */
export const RETURN_REASON_CODES = ['performance_fault', 'damaged_on_arrival', 'wrong_or_incomplete', 'not_as_described', 'other'] as const;

export type ReturnKind = (typeof RETURN_KINDS)[number];
export type ReturnStatus = (typeof RETURN_STATUSES)[number];
export type ReturnEventType = (typeof RETURN_EVENTS)[number];
export type ReturnReasonCode = (typeof RETURN_REASON_CODES)[number];

const STEPS: Record<ReturnEventType, { from: readonly ReturnStatus[]; to: ReturnStatus }> = {
  approve: { from: ['requested'], to: 'approved' },
  reject: { from: ['requested'], to: 'rejected' },
  receive: { from: ['approved'], to: 'received' },
  inspect: { from: ['received'], to: 'inspected' },
  refund: { from: ['inspected'], to: 'refunded' },
  replace: { from: ['inspected'], to: 'replaced' },
  repair: { from: ['inspected'], to: 'repaired' },
  close: { from: ['rejected', 'refunded', 'replaced', 'repaired'], to: 'closed' },
};

export const OUTCOME_EVENTS: readonly ReturnEventType[] = ['refund', 'replace', 'repair'];

/** The outcomes a kind of request may end in. */
export const OUTCOMES: Record<ReturnKind, readonly ReturnEventType[]> = {
  return: OUTCOME_EVENTS,
  exchange: ['replace', 'repair'],
  repair: ['repair'],
};

export type Transition = { ok: true; to: ReturnStatus } | { ok: false; code: 'invalid_transition' | 'outcome_not_allowed'; allowed: ReturnEventType[] };

/** The steps that may follow `status` for a request of `kind`. */
export function nextSteps(status: ReturnStatus, kind: ReturnKind): ReturnEventType[] {
  return RETURN_EVENTS.filter((e) => STEPS[e].from.includes(status) && (!OUTCOME_EVENTS.includes(e) || OUTCOMES[kind].includes(e)));
}

export function transition(status: ReturnStatus, type: ReturnEventType, kind: ReturnKind): Transition {
  const allowed = nextSteps(status, kind);
  if (!STEPS[type].from.includes(status)) return { ok: false, code: 'invalid_transition', allowed };
  if (OUTCOME_EVENTS.includes(type) && !OUTCOMES[kind].includes(type)) return { ok: false, code: 'outcome_not_allowed', allowed };
  return { ok: true, to: STEPS[type].to };
}
