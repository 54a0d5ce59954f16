// Suggestions of public help articles while the visitor types the first message of a chat.
// Every text from the server is set as textContent; links open the help centre in a new tab.

export interface Suggestion {
  id: string;
  title: string;
  snippetText: string;
  url: string;
}

export interface SuggestionWords {
  suggestTitle: string;
  answered: string;
  answeredThanks: string;
  read: string;
}

const DEBOUNCE_MS = 350;
const MIN_CHARS = 2;

/**
 * Watches `input`; `active()` says whether suggestions are wanted (no chat started yet). A click on
 * "this answered my question" counts a deflection and calls `done` (the widget ends without a ticket).
 */
export function suggestArticles(opts: {
  base: string;
  /** the visitor's language now (the widget's switch may change it) */
  locale: () => string;
  input: HTMLTextAreaElement;
  box: HTMLElement;
  /** the words in that language */
  words: () => SuggestionWords;
  active: () => boolean;
  visitorToken: () => string | undefined;
  done: (article: Suggestion) => void;
}): { clear(): void } {
  const { box } = opts;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = '';
  let seq = 0;
  const clear = () => {
    box.replaceChildren();
    box.hidden = true;
    asked = '';
  };
  const show = (items: Suggestion[]) => {
    if (!items.length) return clear();
    const words = opts.words();
    const title = document.createElement('p');
    title.className = 'suggest-title';
    title.textContent = words.suggestTitle;
    const list = document.createElement('ul');
    for (const a of items) {
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.href = a.url;
      link.target = '_blank';
      link.rel = 'noopener';
      link.textContent = a.title;
      link.title = words.read;
      const text = document.createElement('span');
      text.className = 'snippet';
      text.textContent = a.snippetText;
      const yes = document.createElement('button');
      yes.type = 'button';
      yes.className = 'answered';
      yes.textContent = words.answered;
      yes.addEventListener('click', () => void deflect(a));
      li.append(link, text, yes);
      list.append(li);
    }
    box.replaceChildren(title, list);
    box.hidden = false;
  };
  const deflect = async (a: Suggestion) => {
    const clientId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const visitorToken = opts.visitorToken();
    try {
      await fetch(`${opts.base}/api/help/deflections`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ articleId: a.id, clientId, ...(visitorToken ? { visitorToken } : {}) }) });
    } catch {
      /* counting is best effort; the visitor's answer stands */
    }
    clear();
    opts.done(a);
  };
  const ask = async () => {
    const q = opts.input.value.trim();
    if (!opts.active() || q.length < MIN_CHARS) return clear();
    if (q === asked) return;
    asked = q;
    const mine = ++seq;
    try {
      const res = await fetch(`${opts.base}/api/help/search?${new URLSearchParams({ q: q.slice(0, 200), locale: opts.locale(), limit: '3' })}`);
      if (!res.ok || mine !== seq) return;
      const body = (await res.json()) as { items: Suggestion[] };
      if (mine === seq && opts.active()) show(body.items);
    } catch {
      /* no suggestions when offline */
    }
  };
  opts.input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void ask(), DEBOUNCE_MS);
  });
  return { clear };
}
