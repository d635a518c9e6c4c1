import type { Key, Translate } from '../i18n';
import type { ApiProblem } from '../api/errors';

const KNOWN: Record<string, Key> = {
  SLOT_TAKEN: 'error.SLOT_TAKEN',
  ONE_BOOKING_PER_DAY: 'error.ONE_BOOKING_PER_DAY',
  SLOT_UNAVAILABLE: 'error.SLOT_UNAVAILABLE',
  NO_CAR: 'error.NO_CAR',
  REPAIR_TYPE_NOT_APPLICABLE: 'error.REPAIR_TYPE_NOT_APPLICABLE',
  QUOTE_EXPIRED: 'error.QUOTE_EXPIRED',
  NETWORK: 'error.NETWORK',
  UNAUTHENTICATED: 'error.UNAUTHENTICATED',
};

/** Plain words for a failure: ours for the codes people meet, else the server's message. */
export function explain(problem: ApiProblem, t: Translate): string {
  const key = KNOWN[problem.code];
  if (key) return t(key);
  return problem.message || t('error.generic');
}
