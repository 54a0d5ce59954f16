import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** Signs in to the console in a fresh context (its own storage), waits for the live connection. */
export async function signIn(browser: Browser, url: string, email: string, opts: { hash?: string; width?: number; height?: number; locale?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1400, height: opts.height ?? 860 }, locale: opts.locale ?? 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${email}] page error`, err));
  await page.goto(`${url}/console${opts.hash ?? ''}`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill('demo-password');
  await page.locator('form.login button[type=submit]').click();
  // attached, not visible: on a phone it sits in the folded menu
  await page.locator('[data-live=on]').waitFor({ state: 'attached', timeout: 20000 });
  return page;
}

/**
 * Latin words a Chinese page shows that are not data: the text of every visible text node and of
 * the labels a reader hears (placeholder, aria-label, title, alt), outside `translate="no"`
 * (names, subjects, messages: what people wrote) and `<kbd>`/`<code>`, minus an allow-list of data
 * patterns (numbers, times, emails, phones, ticket numbers, product models and serials) and words
 * the department writes in Latin letters in Chinese too.
 */
export async function latinWords(page: Page, allow: string[] = []): Promise<string[]> {
  return page.evaluate((allowed) => {
    const ALLOW = new Set(['English', 'Ctrl', 'OK', ...allowed]);
    const DATA = [
      /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/, // emails
      /^#?\d[\d:.,/%+-]*$/, // numbers, times, dates, percentages
      /^[A-Z]{1,5}\d*(-[A-Z0-9]+)+$/, // models and serials: AC-3500, AC35-2024-001982
      /^[A-Z]+\d+$/, // fault codes: E4, F3
      /^(https?:\/\/|www\.)/,
    ];
    const skip = (el: Element | null): boolean => {
      for (let e = el; e; e = e.parentElement) {
        if (e.getAttribute('translate') === 'no' || ['KBD', 'CODE', 'SCRIPT', 'STYLE', 'TEMPLATE'].includes(e.tagName)) return true;
      }
      return false;
    };
    const visible = (el: Element) => {
      const r = (el as HTMLElement).getBoundingClientRect?.();
      const s = getComputedStyle(el);
      return s.display !== 'none' && s.visibility !== 'hidden' && !!r && (r.width > 0 || r.height > 0);
    };
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || skip(el)) continue;
      // an <option> is text of its (visible) <select>
      const box = el.closest('select') ?? el;
      if (!visible(box)) continue;
      texts.push(n.textContent ?? '');
    }
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
      if (skip(el) || !visible(el)) continue;
      for (const a of ['placeholder', 'aria-label', 'title', 'alt']) if (el.getAttribute(a)) texts.push(el.getAttribute(a)!);
    }
    const bad = new Set<string>();
    for (const t of texts) {
      for (const w of t.split(/[^A-Za-z0-9@._+#:/%-]+/)) {
        const word = w.replace(/^[.:,/+-]+|[.:,/+-]+$/g, '');
        if (!/[A-Za-z]{2,}/.test(word)) continue; // single letters (a unit "h", an axis) and digits alone are not English words
        if (ALLOW.has(word) || DATA.some((rx) => rx.test(word))) continue;
        bad.add(word);
      }
    }
    return [...bad].sort();
  }, allow);
}

/** Whether the page is wider than its viewport (something makes it scroll sideways), and what. */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; width: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') culprits.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className}`.slice(0, 80));
      if (culprits.length > 5) break;
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, culprits };
  });
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (WCAG 2 A/AA rules). */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // evaluated through the DevTools protocol, not as a <script>: the console's CSP allows no inline script
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const res = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}
