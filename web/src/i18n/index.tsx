import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import ru from './ru.json';
import en from './en.json';

export type Key = keyof typeof ru;
export type Locale = 'ru' | 'en';
// en must have every key ru has: tsc fails otherwise.
const dictionaries: Record<Locale, Record<Key, string>> = { ru, en };
const STORAGE_KEY = 'repairbook.locale';

export type Translate = (key: Key, values?: Record<string, string | number>) => string;

interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ru';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(() => {
    const dictionary = dictionaries[locale];
    return {
      locale,
      setLocale: (next) => {
        localStorage.setItem(STORAGE_KEY, next);
        setLocaleState(next);
      },
      t: (key, values) =>
        dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
          values && name in values ? String(values[name]) : whole,
        ),
    };
  }, [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/** "1 234,50 ₽" / "RUB 1,234.50" from a Decimal string, without floating point. */
export function formatMoney(amount: string, locale: Locale): string {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const cents = (fraction + '00').slice(0, 2);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'ru' ? '\u00a0' : ',');
  const sign = negative ? '−' : '';
  return locale === 'ru' ? `${sign}${grouped},${cents}\u00a0₽` : `${sign}RUB ${grouped}.${cents}`;
}

const MONTHS: Record<Locale, string[]> = {
  ru: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** "1 декабря 2026" from "2026-12-01" (a shop date: no time zone arithmetic). */
export function formatDay(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number);
  const month = MONTHS[locale][(m ?? 1) - 1] ?? '';
  return locale === 'ru' ? `${d} ${month} ${y}` : `${month} ${d}, ${y}`;
}

/** The shop-local "HH:MM" of an ISO date-time that carries the shop's offset. */
export function timeOf(dateTime: string): string {
  return dateTime.slice(11, 16);
}

export function dayOf(dateTime: string): string {
  return dateTime.slice(0, 10);
}
