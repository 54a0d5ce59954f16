import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { translator, type Locale, type T } from './translate';

export { duration, translator, type Locale, type T } from './translate';

export const LOCALES: { key: Locale; label: string }[] = [
  { key: 'en', label: 'English' },
  { key: 'zh-CN', label: '中文' },
];

export const I18n = createContext<{ locale: Locale; t: T }>({ locale: 'en', t: translator('en') });
export const useT = () => useContext(I18n);
