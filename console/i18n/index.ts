import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { type Locale, type T, translator } from './translate';

export { duration, LOCALES, translator, type Locale, type T } from './translate';

/** The reader's language and its translator, for every component (`useT()`). */
export const I18n = createContext<{ locale: Locale; t: T }>({ locale: 'en', t: translator('en') });
export const useT = () => useContext(I18n);
