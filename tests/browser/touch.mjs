// touch.mjs BASE_URL [SHOT_DIR] — touch targets and printing in Debian's
// Chromium (playwright-core, no browser download), against the shipped site
// served by lighttpd with kb.cgi (tests/cli/browser_touch.sh starts it, with
// the site's base_url set to BASE_URL).
// Prints one "PASS: <suite>: ..." or "FAIL: <suite>: ... (detail)" line per
// check ($SUITE, default browser_touch) and exits 1 when any check failed.
//
//   - at 390 px on a touch screen, every visible link, button and form
//     control on the home page, an article, the search results (kb.cgi), a
//     wizard question and an outcome (the static page and the recorded walk
//     of kb.cgi) and the map is at least 44x44 CSS px (WCAG 2.5.5); each
//     one that is not is named (text, page, size). Links in running text
//     are excepted, as WCAG allows: an <a> whose nearest block-level
//     ancestor (itself included) is a p, li, dd or td that holds words
//     (letters or digits) of its own outside every link and control, laid
//     out in that same block. The page's chrome (header, navigation,
//     breadcrumbs, footer), heading permalinks, Change links, options,
//     pagination, wizard actions and card-list titles are controls and
//     never excepted. So is (WCAG's "Equivalent") a link whose target a
//     link of full size on the same page also reaches: the map's boxes,
//     whose steps the step table links too. The number excepted is
//     printed per page. At 1280 px
//     with a mouse the menu keeps its desktop size (under 44 px tall);
//   - printed (print media), an article and an outcome (static and kb.cgi)
//     show their content, their URL (equal to the page's) and today's
//     date, and hide the menu, the search form, the breadcrumbs, buttons,
//     wizard actions, Change links, permalinks and the footer; on screen
//     the printed URL is hidden;
//   - a PDF of the article and of the recorded outcome, and screenshots at
//     390 and 1280 px of every page measured, in SHOT_DIR.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const shotDir = process.argv[3] || '';
const suite = process.env.SUITE || 'browser_touch';
if (!base) {
  console.error('usage: node touch.mjs BASE_URL [SHOT_DIR]');
  process.exit(2);
}

const CGI = '/cgi-bin/kb.cgi';
const TREE = '/wizard/mail-not-arriving/';
const WALK = `${CGI}/wizard/mail-not-arriving/`;
// The recorded walk to the SPF/DKIM outcome, and to the question before it.
const TO_QUESTION = 'delivery-error-shown=no&check-spam=not-found';
const TO_OUTCOME = `${TO_QUESTION}&elapsed-time=over-week&no-bounce-auth=no`;
const PAGES = [
  { name: 'home', path: '/' },
  { name: 'article', path: '/delivery/spam-folder/' },
  { name: 'search', path: `${CGI}/search?q=${encodeURIComponent('迷惑')}` },
  // 33 results: a second page, and the pagination
  { name: 'search-page-2', path: `${CGI}/search?q=${encodeURIComponent('メール')}&page=2` },
  { name: 'wizard-start', path: TREE },
  { name: 'question', path: `${TREE}elapsed-time/` },
  { name: 'question-cgi', path: `${WALK}elapsed-time?${TO_QUESTION}` },
  { name: 'outcome', path: `${TREE}no-bounce-server/` },
  { name: 'outcome-cgi', path: `${WALK}no-bounce-server?${TO_OUTCOME}` },
  { name: 'map', path: `${TREE}map/` },
];
const PRINTED = ['article', 'outcome', 'outcome-cgi'];
const PHONE = { width: 390, height: 844 };
const MIN = 44;
// Controls by design: never "running text", whatever text sits beside them.
const CONTROLS = ['header a', 'nav a', 'footer a', 'a.anchor', 'a.change', '.options a',
  '.pagination a', '.wizard-actions a', '.card-list > li > a', 'a.button'].join(', ');
let failed = 0;

const pass = (what) => console.log(`PASS: ${suite}: ${what}`);
const fail = (what, detail) => {
  failed++;
  console.log(`FAIL: ${suite}: ${what} (${String(detail).replace(/\s+/g, ' ').slice(0, 1500)})`);
};
const check = (condition, what, detail) => (condition ? pass(what) : fail(what, detail));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
}).catch((e) => {
  fail('launch chromium', e.message);
  process.exit(1);
});

// Runs one scenario; an exception fails it instead of the whole run.
async function scenario(what, body) {
  try {
    await body();
  } catch (e) {
    fail(what, e.stack || e.message);
  }
}

async function open(page, path) {
  const response = await page.goto(base + path, { waitUntil: 'load', timeout: 20000 });
  if (!response || response.status() !== 200) {
    throw new Error(`${path}: HTTP ${response ? response.status() : 'no response'}`);
  }
}

// In the page: every visible link, button and form control, measured.
// Returns {targets: [{text, where, width, height, running}]}; "running" is
// the running-text exception described at the top of this file.
function measureTargets(controls) {
  const RUNNING_BLOCKS = new Set(['P', 'LI', 'DD', 'TD']);
  const isBlock = (element) => {
    const display = getComputedStyle(element).display;
    return display !== 'contents' && !display.startsWith('inline');
  };
  const blockOf = (element) => {
    let at = element;
    while (at && !isBlock(at)) at = at.parentElement;
    return at;
  };
  // Words of the block's own, outside links and controls, shown (not the
  // 1-px text of .visually-hidden).
  const hasOwnWords = (block) => {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!/[\p{L}\p{N}]/u.test(node.data)) continue;
      if (parent.closest('a, button, input, select, textarea, label, summary')) continue;
      if (blockOf(parent) !== block) continue;
      const rect = parent.getBoundingClientRect();
      if (!parent.checkVisibility() || rect.width <= 1 || rect.height <= 1) continue;
      return true;
    }
    return false;
  };
  const inRunningText = (element) => {
    if (element.namespaceURI !== 'http://www.w3.org/1999/xhtml') return false;
    if (element.localName !== 'a' || element.matches(controls)) return false;
    const block = blockOf(element);
    return Boolean(block && RUNNING_BLOCKS.has(block.tagName) && hasOwnWords(block));
  };
  const shownRect = (element) => {
    if (!element.checkVisibility({ visibilityProperty: true })) return null;
    const rect = element.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) return null;
    return rect;
  };
  const offPage = (rect) => rect.right + window.scrollX <= 0 || rect.bottom + window.scrollY <= 0;
  const label = (element) => {
    const text = (element.getAttribute('aria-label') || element.textContent ||
      element.getAttribute('placeholder') || element.value || '').replace(/\s+/g, ' ').trim();
    return text.slice(0, 40) || `<${element.localName}>`;
  };
  const where = (element) => {
    const parts = [];
    for (let at = element; at && parts.length < 3 && at !== document.body; at = at.parentElement) {
      parts.unshift(at.localName + (at.classList.length ? `.${[...at.classList].join('.')}` : ''));
    }
    return parts.join(' > ');
  };
  const candidates = [...document.querySelectorAll(
    'a, button, input:not([type=hidden]), select, textarea, summary')].filter((element) =>
    element.localName !== 'a' || element.hasAttribute('href') || element.hasAttribute('xlink:href'));
  const targets = [];
  for (const element of candidates) {
    let rect = shownRect(element);
    if (!rect) continue;
    if (offPage(rect)) {
      // shown only when focused (the skip link): measured focused
      element.focus();
      rect = shownRect(element);
      const shown = rect && !offPage(rect);
      element.blur();
      if (!shown) continue;
    }
    const raw = element.localName === 'a'
      ? element.getAttribute('href') || element.getAttribute('xlink:href') : null;
    targets.push({ text: label(element), where: where(element), width: rect.width,
      height: rect.height, running: inRunningText(element),
      href: raw ? new URL(raw, document.baseURI).href : null });
  }
  return { targets };
}

const size = (t) => `${Math.round(t.width * 10) / 10}×${Math.round(t.height * 10) / 10}`;

async function touchTargets(page, entry) {
  await open(page, entry.path);
  // kb.js adds the copy button after load
  await page.waitForLoadState('networkidle').catch(() => {});
  const { targets } = await page.evaluate(measureTargets, CONTROLS);
  const big = (t) => t.width >= MIN - 0.01 && t.height >= MIN - 0.01;
  // WCAG 2.5.5's "Equivalent" exception: a small link whose target a
  // full-size link on the same page also reaches (the map's boxes, each
  // also a link in the step table).
  const fullSize = new Set(targets.filter((t) => t.href && big(t)).map((t) => t.href));
  const equivalent = (t) => !t.running && t.href && !big(t) && fullSize.has(t.href);
  const measured = targets.filter((t) => !t.running && !equivalent(t));
  const excepted = targets.filter((t) => t.running);
  const equivalents = targets.filter(equivalent);
  const small = measured.filter((t) => !big(t));
  console.log(`# ${entry.name}: ${targets.length} targets, ${excepted.length} excepted as links in running text` +
    (excepted.length ? `: ${excepted.map((t) => `"${t.text}"`).join(', ')}` : '') +
    `; ${equivalents.length} excepted as having a full-size equivalent link on the page`);
  if (measured.length === 0) {
    fail(`390px ${entry.name}: targets measured`, 'no link or button found');
    return;
  }
  for (const t of small) {
    fail(`390px ${entry.name}: "${t.text}" at least ${MIN}×${MIN}`, `${size(t)} at ${t.where} on ${entry.path}`);
  }
  if (!small.length) pass(`390px ${entry.name}: all ${measured.length} targets at least ${MIN}×${MIN}`);
}

// ---- touch targets at 390 px -----------------------------------------------------

const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await scenario('touch targets', async () => {
  const page = await phone.newPage();
  for (const entry of PAGES) {
    await scenario(`390px ${entry.name}`, () => touchTargets(page, entry));
  }
  await page.close();
});

// The touch sizes are for phones and touch screens only: a desktop with a
// mouse keeps its compact menu.
await scenario('1280px: desktop look', async () => {
  const page = await desktop.newPage();
  await open(page, '/');
  const heights = await page.$$eval('.site-nav a', (links) =>
    links.map((link) => link.getBoundingClientRect().height));
  check(heights.length > 0 && heights.every((height) => height < MIN),
    '1280px with a mouse: the menu keeps its desktop size', `menu link heights ${heights.join(', ')}`);
  await page.close();
});

// ---- print -------------------------------------------------------------------------

// Shown as printed: not display:none/hidden, anywhere up the tree.
function printState() {
  const shown = (element) => element.checkVisibility({ visibilityProperty: true });
  const HIDDEN = {
    'menu': '.site-nav', 'search form': 'form.search-form', 'breadcrumbs': 'nav.breadcrumbs',
    'buttons': 'button, .button', 'footer': '.site-footer', 'wizard actions': '.wizard-actions',
    'Change links': 'a.change', 'permalinks': 'a.anchor',
  };
  const hidden = {};
  for (const [name, selector] of Object.entries(HIDDEN)) {
    const all = [...document.querySelectorAll(selector)];
    hidden[name] = { count: all.length, shown: all.filter(shown).length };
  }
  const source = document.querySelector('.print-source');
  const url = source && source.querySelector('.print-url');
  const date = source && source.querySelector('.print-date');
  const h1 = document.querySelector('main h1');
  return {
    hidden,
    h1: Boolean(h1 && shown(h1)),
    content: [...document.querySelectorAll('main article p, main .wizard-body p, main .result')]
      .filter(shown).length,
    source: Boolean(source && shown(source)),
    url: url ? url.textContent.trim() : null,
    date: date && shown(date) ? date.textContent.trim() : '',
  };
}

// ja's long date, "2026年12月5日", of today on this machine.
function today() {
  const now = new Date();
  return `${now.getFullYear()}年${now.getMonth() + 1}月${now.getDate()}日`;
}

async function printed(page, name) {
  const entry = PAGES.find((p) => p.name === name);
  await open(page, entry.path);
  await page.emulateMedia({ media: 'screen' });
  const onScreen = await page.evaluate(printState);
  check(onScreen.url !== null && !onScreen.source, `screen ${name}: the print-only URL is there and hidden`,
    onScreen.url === null ? 'no .print-source .print-url' : 'shown on screen');
  await page.emulateMedia({ media: 'print' });
  // kb.js fills the date when print media starts
  await page.waitForFunction(() => {
    const date = document.querySelector('.print-source .print-date');
    return date && date.textContent.trim() !== '';
  }, null, { timeout: 3000 }).catch(() => {});
  const state = await page.evaluate(printState);
  for (const [what, { count, shown }] of Object.entries(state.hidden)) {
    // the chrome every page has must be there on screen, or hiding it proves nothing
    const always = ['menu', 'search form', 'breadcrumbs', 'buttons', 'footer'].includes(what);
    if (always && count === 0) fail(`print ${name}: ${what} hidden`, `no ${what} on the page at all`);
    else check(shown === 0, `print ${name}: ${what} hidden`, `${shown} of ${count} shown`);
  }
  check(state.h1 && state.content > 0, `print ${name}: the title and the content are printed`,
    `h1 ${state.h1}, ${state.content} content blocks shown`);
  check(state.source && state.url === page.url(), `print ${name}: the page's URL is printed`,
    `shown ${state.source}, "${state.url}", want "${page.url()}"`);
  check(state.date.includes(today()), `print ${name}: today's date is printed`,
    `"${state.date}", want it to include ${today()}`);
  if (shotDir) {
    await page.screenshot({ path: `${shotDir}/print-${name}.png`, fullPage: true });
    const pdf = `${shotDir}/print-${name}.pdf`;
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    check(readFileSync(pdf).subarray(0, 5).toString() === '%PDF-', `print ${name}: a PDF is written`, pdf);
  }
  await page.emulateMedia({ media: 'screen' });
}

await scenario('print', async () => {
  const page = await desktop.newPage();
  await page.setViewportSize({ width: 794, height: 1123 });
  for (const name of PRINTED) await scenario(`print ${name}`, () => printed(page, name));
  await page.close();
});

// ---- screenshots -----------------------------------------------------------------

if (shotDir) {
  await scenario('screenshots', async () => {
    for (const [context, width] of [[phone, 390], [desktop, 1280]]) {
      const page = await context.newPage();
      for (const entry of PAGES) {
        await open(page, entry.path);
        await page.waitForLoadState('networkidle').catch(() => {});
        // the map's step table is very long on a phone: its first screens do
        await page.screenshot({ path: `${shotDir}/touch-${entry.name}-${width}.png`,
          fullPage: entry.name !== 'map' });
      }
      await page.close();
    }
  });
}

await browser.close();
process.exit(failed ? 1 : 0);
