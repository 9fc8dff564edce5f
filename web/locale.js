// The reader's locale for numbers and dates, safe against a browser language that is no valid
// BCP 47 tag. WebKitGTK started under LANG=C (a common default on Linux machines) reports
// navigator.language "C", and every Intl constructor throws a RangeError for it; a page that
// passed it on would stop at the first date or number it formats. Such a tag falls back to
// en-US, silently: it is the machine's setting, nothing the reader did or can fix in the page.
export const FALLBACK_LOCALE = 'en-US';

/** `tag` canonicalised if Intl accepts it, else en-US. */
export function safeLocale(tag) {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? FALLBACK_LOCALE;
  } catch {
    return FALLBACK_LOCALE;
  }
}

/** The browser's language as a locale every Intl call accepts. */
export const userLocale = () => safeLocale(globalThis.navigator?.language);
