import i18next, { type i18n } from 'i18next';
import type { Translator } from '../../dialogs/ports';
import type { Content } from '../knowledge/loadContent';

/** i18next over locales/<lng>/ui.json (namespace `ui`) and console.json (namespace `console`); English fallback. */
export class I18nTranslator implements Translator {
  private readonly i18n: i18n;

  constructor(content: Content) {
    const resources: Record<string, Record<string, unknown>> = {};
    for (const [lng, c] of Object.entries(content.byLanguage)) resources[lng] = { ui: c.ui, console: c.console ?? {} };
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      resources: resources as never,
      fallbackLng: 'en',
      ns: ['ui', 'console'],
      defaultNS: 'ui',
      interpolation: { escapeValue: false },
      initAsync: false,
      returnNull: false,
      load: 'currentOnly',
      nonExplicitSupportedLngs: false,
    });
  }

  t(lng: string, key: string, vars?: Record<string, string | number>): string {
    return this.i18n.t(key, { lng, ...(vars ?? {}) }) as string;
  }

  has(lng: string, key: string): boolean {
    return this.i18n.exists(key, { lng, fallbackLng: false } as never);
  }

  /** every string of a namespace for one language (the console's client strings) */
  bundle(lng: string, ns: 'ui' | 'console'): Record<string, unknown> {
    return (this.i18n.getResourceBundle(lng, ns) ?? this.i18n.getResourceBundle('en', ns) ?? {}) as Record<string, unknown>;
  }
}
