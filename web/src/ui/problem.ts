import type { Key, Locale, Translate } from '../i18n';
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
  EMAIL_NOT_VERIFIED: 'error.EMAIL_NOT_VERIFIED',
};

/** "in 12 minutes" / "через 12 минут" for a RATE_LIMITED's retryAfter (seconds). */
export function inWords(seconds: number, locale: Locale): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  if (seconds < 60) return format.format(Math.max(1, Math.ceil(seconds)), 'second');
  if (seconds < 3600) return format.format(Math.ceil(seconds / 60), 'minute');
  return format.format(Math.ceil(seconds / 3600), 'hour');
}

/** Plain words for RATE_LIMITED, with when to try again when the server says it. */
export function tooMany(problem: ApiProblem, t: Translate, locale: Locale): string {
  return problem.retryAfter === undefined ? t('error.RATE_LIMITED') : t('error.RATE_LIMITED.after', { when: inWords(problem.retryAfter, locale) });
}

/** Plain words for a failure: ours for the codes people meet, else the server's message. */
export function explain(problem: ApiProblem, t: Translate): string {
  const key = KNOWN[problem.code];
  if (key) return t(key);
  return problem.message || t('error.generic');
}
