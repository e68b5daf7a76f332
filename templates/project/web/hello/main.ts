/** The `hello` widget: shows the greeting the tool returns as `{ greeting, name, locale }`. */
import { byId, element, fromTemplate, record, resultText, show, startWidget, text, validLocale } from '../shared/widget.js';

const root = byId('root');

startWidget({
  name: 'hello',
  onInput: ({ name }) => {
    const status = document.getElementById('status');
    const who = text(name);
    if (status && who) status.textContent = `Writing a greeting for ${who}…`;
  },
  onResult: (result) => {
    const data = record(result.structuredContent) ?? {};
    const greeting = text(data.greeting);
    if (result.isError || !greeting) {
      show(root, fromTemplate('error', { message: resultText(result) || 'The tool sent no greeting.' }));
      return;
    }
    const locale = validLocale(data.locale);
    const view = fromTemplate('greeting', { greeting, language: locale && languageName(locale) });
    // Screen readers read the language name in that language.
    if (locale) view.querySelector('[data-slot="language"]')?.setAttribute('lang', locale);
    show(root, view);
  },
  onCancel: () => show(root, element('p', 'The greeting was cancelled.', 'status done')),
});

/** The language of `locale` in that language, e.g. "français (France)" for "fr-FR". */
function languageName(locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}
