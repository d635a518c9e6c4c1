import { useId, useState, type ReactNode, type SubmitEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { problemOf, type FieldErrors } from '../../api/errors';
import { Link } from '../../app/router';
import { formatDay, useI18n, type Key } from '../../i18n';
import type { Weekday, WorkingTimeQuery } from '../../gql/graphql';
import { Alert, Field } from '../../ui/Field';
import { explain } from '../../ui/problem';
import {
  ClearWorkExceptionsDocument,
  SetWorkExceptionDocument,
  SetWorkPlanDocument,
  WorkingTimeDocument,
  WorkingTimeReceptionistsDocument,
} from './documents';
import './working-time.css';

const WEEKDAYS: Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const DAY_NAME: Record<Weekday, Key> = {
  MONDAY: 'staff.wt.day.MONDAY',
  TUESDAY: 'staff.wt.day.TUESDAY',
  WEDNESDAY: 'staff.wt.day.WEDNESDAY',
  THURSDAY: 'staff.wt.day.THURSDAY',
  FRIDAY: 'staff.wt.day.FRIDAY',
  SATURDAY: 'staff.wt.day.SATURDAY',
  SUNDAY: 'staff.wt.day.SUNDAY',
};

interface Shop {
  opensAt: string;
  closesAt: string;
  slotMinutes: number;
}
interface Span {
  from: string;
  to: string;
}
interface Hours extends Span {
  breaks: Span[];
}
interface PlanRow extends Hours {
  working: boolean;
}
interface Change {
  changedDays: unknown[];
  cancelledBookingIds: string[];
}
interface WayBooking {
  id: string;
  startsAt: string;
}
/** One try of a change: first without cancelling, then (if staff say so) cancelling the bookings in the way. */
type Attempt = (cancelBookings: boolean, reason: string | null) => Promise<{ change: Change | null; error: CombinedError | undefined }>;
type Form = 'plan' | 'exception';
/** Words kept as keys, so a notice follows a change of language. */
type Words = [Key, Record<string, string | number>];

const SHOP_TIME_ZONE = 'Europe/Moscow';
const shopFormat = new Intl.DateTimeFormat('en-CA', { timeZone: SHOP_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Shop date and time of an instant (`extensions.bookings` gives UTC). */
function shopDateTime(iso: string): { day: string; time: string } {
  const parts = Object.fromEntries(shopFormat.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

const hhmm = (time: unknown): string => (typeof time === 'string' ? time.slice(0, 5) : '');

/** Staff set each receptionist's weekly plan and dated exceptions (days off, holidays, other hours). */
export default function WorkingTimePage() {
  const { t } = useI18n();
  const selectId = useId();
  const [{ data }] = useQuery({ query: WorkingTimeReceptionistsDocument });
  const [chosen, setChosen] = useState('');
  if (!data) return <p aria-busy="true">{t('common.loading')}</p>;
  const receptionists = data.receptionists;
  const current = chosen || (receptionists.find((r) => r.active) ?? receptionists[0])?.id || '';
  const shop = data.shop;
  return (
    <section className="working-time">
      <h1>{t('staff.wt.title')}</h1>
      {receptionists.length === 0 ? (
        <p>{t('staff.wt.noReceptionists')}</p>
      ) : (
        <>
          <div className="field working-time__who">
            <label htmlFor={selectId}>{t('staff.wt.receptionist')}</label>
            <select id={selectId} value={current} onChange={(e) => setChosen(e.target.value)}>
              {receptionists.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.active ? r.fullName : t('staff.wt.inactive', { name: r.fullName })}
                </option>
              ))}
            </select>
            <small>{t('staff.wt.hint', { opens: shop.opensAt, closes: shop.closesAt, minutes: shop.slotMinutes })}</small>
          </div>
          {current && <Editor key={current} receptionistId={current} shop={shop} />}
        </>
      )}
    </section>
  );
}

function Editor({ receptionistId, shop }: { receptionistId: string; shop: Shop }) {
  const { t } = useI18n();
  const [{ data }, reread] = useQuery({ query: WorkingTimeDocument, variables: { receptionistId }, requestPolicy: 'network-only' });
  const [notice, setNotice] = useState<{ form: Form; words: Words[] } | null>(null);
  const [way, setWay] = useState<{ form: Form; bookings: WayBooking[]; attempt: Attempt; success: (c: Change) => Words; setErrors: (e: FieldErrors) => void } | null>(null);

  /** Runs a change; BOOKINGS_IN_THE_WAY opens the panel that lists them and offers to cancel them. */
  const run = async (form: Form, attempt: Attempt, success: (c: Change) => Words, setErrors: (e: FieldErrors) => void, cancel: { reason: string } | null = null) => {
    setNotice(null);
    const { change, error } = await attempt(cancel !== null, cancel?.reason ?? null);
    if (change) {
      setWay(null);
      setErrors({});
      const cancelled: Words[] = change.cancelledBookingIds.length ? [['staff.wt.cancelled', { count: change.cancelledBookingIds.length }]] : [];
      setNotice({ form, words: [success(change), ...cancelled] });
      reread({ requestPolicy: 'network-only' });
      return;
    }
    const problem = problemOf(error);
    if (!problem) return;
    if (problem.code === 'BOOKINGS_IN_THE_WAY') {
      const extensions = error?.graphQLErrors[0]?.extensions as { bookings?: WayBooking[] } | undefined;
      setErrors({});
      setWay({ form, bookings: extensions?.bookings ?? [], attempt, success, setErrors });
      return;
    }
    setWay(null);
    setErrors(Object.keys(problem.fields).length ? problem.fields : { '': explain(problem, t) });
  };

  if (!data) return <p aria-busy="true">{t('common.loading')}</p>;
  const wayPanel = (form: Form) =>
    way?.form === form && (
      <InTheWay
        bookings={way.bookings}
        onDismiss={() => setWay(null)}
        onCancel={(reason) => run(form, way.attempt, way.success, way.setErrors, { reason })}
      />
    );
  const noticeOf = (form: Form) => notice?.form === form && <Alert tone="success">{notice.words.map(([key, values]) => t(key, values)).join(' ')}</Alert>;
  return (
    <>
      <PlanForm receptionistId={receptionistId} shop={shop} workingTime={data.workingTime} run={run} after={<>{wayPanel('plan')}{noticeOf('plan')}</>} />
      <Exceptions receptionistId={receptionistId} shop={shop} workingTime={data.workingTime} run={run} after={<>{wayPanel('exception')}{noticeOf('exception')}</>} />
    </>
  );
}

type Run = (form: Form, attempt: Attempt, success: (c: Change) => Words, setErrors: (e: FieldErrors) => void) => Promise<void>;
type WorkingTime = WorkingTimeQuery['workingTime'];

/** The bookings a change would strand, and the explicit choice to cancel them (with a reason for the emails). */
function InTheWay({ bookings, onDismiss, onCancel }: { bookings: WayBooking[]; onDismiss: () => void; onCancel: (reason: string) => Promise<void> }) {
  const { t, locale } = useI18n();
  const id = useId();
  const [cancel, setCancel] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <section className="alert alert--error in-the-way" role="alert" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('staff.wt.way.title')}</h3>
      <p>{t('staff.wt.way.text')}</p>
      <ul>
        {bookings.map((b) => {
          const { day, time } = shopDateTime(b.startsAt);
          return (
            <li key={b.id}>
              <Link href={`/staff/board?day=${day}`}>{t('staff.wt.way.booking', { when: `${formatDay(day, locale)}, ${time}`, id: b.id })}</Link>
            </li>
          );
        })}
      </ul>
      <div className="check">
        <input id={`${id}-cancel`} type="checkbox" checked={cancel} onChange={(e) => setCancel(e.target.checked)} />
        <label htmlFor={`${id}-cancel`}>{t('staff.wt.way.cancel')}</label>
      </div>
      {cancel && (
        <div className={error ? 'field field--error' : 'field'}>
          <label htmlFor={`${id}-reason`}>{t('staff.wt.way.reason')}</label>
          <textarea
            id={`${id}-reason`}
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          {error && (
            <p className="field__error" id={`${id}-error`}>
              {error}
            </p>
          )}
        </div>
      )}
      <div className="actions">
        <button
          type="button"
          className="button--danger"
          disabled={!cancel || busy}
          onClick={() => {
            if (!reason.trim()) {
              setError(t('staff.wt.way.needReason'));
              return;
            }
            setError('');
            setBusy(true);
            void onCancel(reason.trim()).finally(() => setBusy(false));
          }}
        >
          {t('staff.wt.way.apply')}
        </button>
        <button type="button" className="button--secondary" onClick={onDismiss}>
          {t('staff.wt.way.dismiss')}
        </button>
      </div>
    </section>
  );
}

/** From, to and breaks of one working day; `prefix` names its fields as the API does (`days[1]`, `hours`). */
function HoursFields({ hours, onChange, errors, prefix, shop, label }: { hours: Hours; onChange: (h: Hours) => void; errors: FieldErrors; prefix: string; shop: Shop; label: string }) {
  const { t } = useI18n();
  const step = shop.slotMinutes * 60;
  const setBreak = (n: number, span: Partial<Span>) => onChange({ ...hours, breaks: hours.breaks.map((b, i) => (i === n ? { ...b, ...span } : b)) });
  return (
    <div className="hours">
      <div className="hours__span">
        <Field label={t('staff.wt.from')} type="time" step={step} required value={hours.from} onChange={(e) => onChange({ ...hours, from: e.target.value })} error={errors[`${prefix}.from`]} />
        <Field label={t('staff.wt.to')} type="time" step={step} required value={hours.to} onChange={(e) => onChange({ ...hours, to: e.target.value })} error={errors[`${prefix}.to`]} />
      </div>
      {hours.breaks.map((b, n) => (
        <div className="hours__span" key={n}>
          <Field label={t('staff.wt.breakFrom', { n: n + 1 })} type="time" step={step} required value={b.from} onChange={(e) => setBreak(n, { from: e.target.value })} error={errors[`${prefix}.breaks[${n}].from`] ?? errors[`${prefix}.breaks[${n}]`]} />
          <Field label={t('staff.wt.breakTo', { n: n + 1 })} type="time" step={step} required value={b.to} onChange={(e) => setBreak(n, { to: e.target.value })} error={errors[`${prefix}.breaks[${n}].to`]} />
          <button type="button" className="button--secondary" aria-label={`${label}: ${t('staff.wt.removeBreak', { n: n + 1 })}`} onClick={() => onChange({ ...hours, breaks: hours.breaks.filter((_, i) => i !== n) })}>
            {t('staff.wt.removeBreak', { n: n + 1 })}
          </button>
        </div>
      ))}
      <button type="button" className="button--secondary" aria-label={`${label}: ${t('staff.wt.addBreak')}`} onClick={() => onChange({ ...hours, breaks: [...hours.breaks, { from: '', to: '' }] })}>
        {t('staff.wt.addBreak')}
      </button>
    </div>
  );
}

function emptyFields(hours: Hours, prefix: string, t: (k: Key) => string): FieldErrors {
  const errors: FieldErrors = {};
  if (!hours.from) errors[`${prefix}.from`] = t('staff.wt.required');
  if (!hours.to) errors[`${prefix}.to`] = t('staff.wt.required');
  hours.breaks.forEach((b, n) => {
    if (!b.from) errors[`${prefix}.breaks[${n}].from`] = t('staff.wt.required');
    if (!b.to) errors[`${prefix}.breaks[${n}].to`] = t('staff.wt.required');
  });
  return errors;
}

function PlanForm({ receptionistId, shop, workingTime, run, after }: { receptionistId: string; shop: Shop; workingTime: WorkingTime; run: Run; after: ReactNode }) {
  const { t } = useI18n();
  const id = useId();
  const [state, setWorkPlan] = useMutation(SetWorkPlanDocument);
  const [rows, setRows] = useState<Record<Weekday, PlanRow>>(() => {
    const byDay = new Map(workingTime.days.map((d) => [d.weekday, d]));
    return Object.fromEntries(
      WEEKDAYS.map((weekday) => {
        const day = byDay.get(weekday);
        return [
          weekday,
          {
            working: day?.working ?? false,
            from: hhmm(day?.from) || shop.opensAt,
            to: hhmm(day?.to) || shop.closesAt,
            breaks: (day?.breaks ?? []).map((b) => ({ from: hhmm(b.from), to: hhmm(b.to) })),
          },
        ];
      }),
    ) as Record<Weekday, PlanRow>;
  });
  // Errors by weekday (`MONDAY.breaks[0].from`): the API names `days[n]`, n counting the days sent.
  const [errors, setErrors] = useState<FieldErrors>({});

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const working = WEEKDAYS.filter((w) => rows[w].working);
    const missing = Object.assign({}, ...working.map((w) => emptyFields(rows[w], w, t))) as FieldErrors;
    if (Object.keys(missing).length) {
      setErrors(missing);
      return;
    }
    const days = working.map((weekday) => ({ weekday, from: rows[weekday].from, to: rows[weekday].to, breaks: rows[weekday].breaks }));
    const byWeekday = (fields: FieldErrors) =>
      setErrors(Object.fromEntries(Object.entries(fields).map(([field, message]) => [field.replace(/^days\[(\d+)\]/, (whole, n: string) => working[Number(n)] ?? whole), message])));
    const attempt: Attempt = async (cancelBookings, reason) => {
      const result = await setWorkPlan({ receptionistId, days, cancelBookings, reason });
      return { change: result.data?.setWorkPlan ?? null, error: result.error };
    };
    void run('plan', attempt, (c) => ['staff.wt.plan.saved', { count: c.changedDays.length }], byWeekday);
  };
  const known = new Set(WEEKDAYS.flatMap((w) => Object.keys(errors).filter((k) => k.startsWith(`${w}.`))));
  const general = Object.entries(errors).filter(([k]) => !known.has(k)).map(([, m]) => m);

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('staff.wt.plan.title')}</h2>
      {!workingTime.planned && <p>{t('staff.wt.plan.none')}</p>}
      <form onSubmit={submit} noValidate>
        <div className="plan">
          {WEEKDAYS.map((weekday) => {
            const row = rows[weekday];
            const name = t(DAY_NAME[weekday]);
            const set = (next: Partial<PlanRow>) => setRows((old) => ({ ...old, [weekday]: { ...old[weekday], ...next } }));
            return (
              <fieldset key={weekday} className={row.working ? 'plan__day' : 'plan__day plan__day--off'}>
                <legend>{name}</legend>
                <div className="check">
                  <input id={`${id}-${weekday}`} type="checkbox" checked={row.working} onChange={(e) => set({ working: e.target.checked })} />
                  <label htmlFor={`${id}-${weekday}`}>{t('staff.wt.works')}</label>
                </div>
                {row.working ? (
                  <HoursFields hours={row} onChange={(h) => set(h)} errors={errors} prefix={weekday} shop={shop} label={name} />
                ) : (
                  <p className="muted">{t('staff.wt.exc.off')}</p>
                )}
              </fieldset>
            );
          })}
        </div>
        {general.length > 0 && <Alert>{general.join(' ')}</Alert>}
        <div className="actions">
          <button type="submit" disabled={state.fetching}>
            {t('staff.wt.plan.save')}
          </button>
        </div>
      </form>
      {after}
    </section>
  );
}

function Exceptions({ receptionistId, shop, workingTime, run, after }: { receptionistId: string; shop: Shop; workingTime: WorkingTime; run: Run; after: ReactNode }) {
  const { t, locale } = useI18n();
  const id = useId();
  const [saving, setWorkException] = useMutation(SetWorkExceptionDocument);
  const [, clearWorkExceptions] = useMutation(ClearWorkExceptionsDocument);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<'off' | 'hours'>('off');
  const [hours, setHours] = useState<Hours>({ from: shop.opensAt, to: shop.closesAt, breaks: [] });
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [listErrors, setListErrors] = useState<FieldErrors>({});

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const missing: FieldErrors = { ...(kind === 'hours' ? emptyFields(hours, 'hours', t) : {}) };
    if (!from) missing.from = t('staff.wt.required');
    if (!to) missing.to = t('staff.wt.required');
    if (Object.keys(missing).length) {
      setErrors(missing);
      return;
    }
    const attempt: Attempt = async (cancelBookings, reason) => {
      const result = await setWorkException({ receptionistId, from, to, hours: kind === 'hours' ? hours : null, note: note.trim() || null, cancelBookings, reason });
      return { change: result.data?.setWorkException ?? null, error: result.error };
    };
    void run('exception', attempt, (c) => ['staff.wt.exc.saved', { count: c.changedDays.length }], setErrors);
  };
  const remove = (date: string) => {
    const attempt: Attempt = async (cancelBookings, reason) => {
      const result = await clearWorkExceptions({ receptionistId, from: date, to: date, cancelBookings, reason });
      return { change: result.data?.clearWorkExceptions ?? null, error: result.error };
    };
    void run('exception', attempt, () => ['staff.wt.exc.removed', { day: formatDay(date, locale) }], setListErrors);
  };
  const shown = new Set(['from', 'to', 'note', 'hours.from', 'hours.to', ...hours.breaks.flatMap((_, n) => [`hours.breaks[${n}]`, `hours.breaks[${n}].from`, `hours.breaks[${n}].to`])]);
  const general = [...Object.entries(errors).filter(([k]) => !shown.has(k) || (k.startsWith('hours') && kind === 'off')), ...Object.entries(listErrors)].map(([, m]) => m);

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('staff.wt.exc.title')}</h2>
      {workingTime.exceptions.length === 0 ? (
        <p>{t('staff.wt.exc.none')}</p>
      ) : (
        <ul className="exceptions">
          {workingTime.exceptions.map((e) => {
            const day = formatDay(e.date, locale);
            const span = `${hhmm(e.from)}–${hhmm(e.to)}`;
            const what = !e.working
              ? t('staff.wt.exc.off')
              : e.breaks.length
                ? t('staff.wt.exc.withBreaks', { hours: span, breaks: e.breaks.map((b) => `${hhmm(b.from)}–${hhmm(b.to)}`).join(', ') })
                : span;
            return (
              <li key={e.id}>
                <span>
                  <strong>{day}</strong>: {what}
                  {e.note ? ` (${e.note})` : ''}
                </span>
                <button type="button" className="button--secondary" aria-label={t('staff.wt.exc.removeLabel', { day })} onClick={() => remove(e.date)}>
                  {t('staff.wt.exc.remove')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={submit} noValidate aria-labelledby={`${id}-add`}>
        <h3 id={`${id}-add`}>{t('staff.wt.exc.add')}</h3>
        <div className="hours__span">
          <Field label={t('staff.wt.exc.from')} type="date" required value={from} onChange={(e) => setFrom(e.target.value)} error={errors.from} />
          <Field label={t('staff.wt.exc.to')} type="date" required value={to} onChange={(e) => setTo(e.target.value)} error={errors.to} />
        </div>
        <fieldset>
          <legend>{t('staff.wt.exc.kind')}</legend>
          <div className="check">
            <input id={`${id}-off`} type="radio" name={`${id}-kind`} checked={kind === 'off'} onChange={() => setKind('off')} />
            <label htmlFor={`${id}-off`}>{t('staff.wt.exc.kindOff')}</label>
          </div>
          <div className="check">
            <input id={`${id}-hours`} type="radio" name={`${id}-kind`} checked={kind === 'hours'} onChange={() => setKind('hours')} />
            <label htmlFor={`${id}-hours`}>{t('staff.wt.exc.kindHours')}</label>
          </div>
          {kind === 'hours' && <HoursFields hours={hours} onChange={setHours} errors={errors} prefix="hours" shop={shop} label={t('staff.wt.exc.kindHours')} />}
        </fieldset>
        <Field label={t('staff.wt.exc.noteField')} maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} error={errors.note} />
        {general.length > 0 && <Alert>{general.join(' ')}</Alert>}
        <div className="actions">
          <button type="submit" disabled={saving.fetching}>
            {t('staff.wt.exc.add')}
          </button>
        </div>
      </form>
      {after}
    </section>
  );
}
