import { useState, type KeyboardEvent } from 'react';
import { useI18n, type Key } from '../../i18n';
import { addDays, addMonths, daysInMonth, monthOf, weekdayMondayFirst } from './dates';

export type DayState = 'open' | 'full' | 'closed' | 'past' | 'beyond';

export interface CalendarDayInfo {
  date: string;
  state: DayState;
  freeSlots?: number | undefined;
}

const STATE_LABEL: Record<DayState, Key> = {
  open: 'calendar.open',
  full: 'calendar.full',
  closed: 'calendar.closed',
  past: 'calendar.past',
  beyond: 'calendar.beyond',
};

const WEEKDAYS: Key[] = ['calendar.mon', 'calendar.tue', 'calendar.wed', 'calendar.thu', 'calendar.fri', 'calendar.sat', 'calendar.sun'];
const MONTH_NAMES: Key[] = ['month.1', 'month.2', 'month.3', 'month.4', 'month.5', 'month.6', 'month.7', 'month.8', 'month.9', 'month.10', 'month.11', 'month.12'];

/**
 * A month of the booking window as a grid of day buttons: closed, past, fully booked and
 * out-of-window days look different and say so to screen readers; arrow keys move by day
 * and week (roving tabindex, as the ARIA date-picker pattern does).
 */
export function MonthCalendar({
  days,
  selected,
  onSelect,
  firstDay,
  lastDay,
  selectable = (day) => day.state === 'open',
}: {
  days: Map<string, CalendarDayInfo>;
  selected: string | null;
  onSelect: (date: string) => void;
  firstDay: string;
  lastDay: string;
  /** Which days can be chosen (staff open closed days too). */
  selectable?: (day: CalendarDayInfo) => boolean;
}) {
  const { t } = useI18n();
  const [month, setMonth] = useState(monthOf(selected ?? firstDay));
  const [focus, setFocus] = useState(selected ?? firstDay);
  const cells = daysInMonth(month);
  const lead = weekdayMondayFirst(cells[0] ?? `${month}-01`);
  const weeks: (string | null)[][] = [];
  const all: (string | null)[] = [...Array<null>(lead).fill(null), ...cells];
  while (all.length % 7) all.push(null);
  for (let i = 0; i < all.length; i += 7) weeks.push(all.slice(i, i + 7));
  const [year, monthNumber] = month.split('-').map(Number);
  // One day of the shown month is always reachable by Tab (roving tabindex).
  const tabbable = monthOf(focus) === month ? focus : (cells.find((d) => d >= firstDay) ?? cells[0]);

  const move = (event: KeyboardEvent, date: string) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const next = addDays(date, step);
    if (next < firstDay || next > lastDay) return;
    setFocus(next);
    setMonth(monthOf(next));
    requestAnimationFrame(() => document.querySelector<HTMLButtonElement>(`[data-date="${next}"]`)?.focus());
  };

  const info = (date: string): CalendarDayInfo => {
    if (date < firstDay) return { date, state: 'past' };
    if (date > lastDay) return { date, state: 'beyond' };
    return days.get(date) ?? { date, state: 'open' };
  };

  return (
    <div className="calendar">
      <div className="calendar__head">
        <button type="button" className="button--secondary" onClick={() => setMonth(addMonths(month, -1))} disabled={month <= monthOf(firstDay)} aria-label={t('calendar.previous')}>
          ‹
        </button>
        <h2 aria-live="polite">
          {t(MONTH_NAMES[(monthNumber ?? 1) - 1] ?? 'month.1')} {year}
        </h2>
        <button type="button" className="button--secondary" onClick={() => setMonth(addMonths(month, 1))} disabled={month >= monthOf(lastDay)} aria-label={t('calendar.next')}>
          ›
        </button>
      </div>
      <table role="grid" aria-label={t('calendar.label')}>
        <thead>
          <tr>
            {WEEKDAYS.map((key) => (
              <th key={key} scope="col">
                {t(key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week, i) => (
            <tr key={i}>
              {week.map((date, j) => {
                if (!date) return <td key={j} />;
                const day = info(date);
                const bookable = selectable(day);
                const label = `${Number(date.slice(8))} ${t(MONTH_NAMES[Number(date.slice(5, 7)) - 1] ?? 'month.1')}: ${t(STATE_LABEL[day.state])}${
                  day.freeSlots !== undefined && bookable ? `, ${t('calendar.freeCount', { count: day.freeSlots })}` : ''
                }`;
                return (
                  <td key={date}>
                    <button
                      type="button"
                      data-date={date}
                      className={`day day--${day.state}`}
                      aria-label={label}
                      aria-pressed={selected === date}
                      aria-disabled={!bookable || undefined}
                      tabIndex={date === tabbable ? 0 : -1}
                      onKeyDown={(e) => move(e, date)}
                      onClick={() => {
                        setFocus(date);
                        if (bookable) onSelect(date);
                      }}
                    >
                      {Number(date.slice(8))}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="legend" aria-label={t('calendar.legend')}>
        {(['open', 'full', 'closed', 'past'] as DayState[]).map((state) => (
          <li key={state}>
            <span className={`swatch day--${state}`} aria-hidden="true" /> {t(STATE_LABEL[state])}
          </li>
        ))}
      </ul>
    </div>
  );
}
