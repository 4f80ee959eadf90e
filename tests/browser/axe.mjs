// axe.mjs BASE_URL [SHOT_DIR] — accessibility and layout checks of a served
// site in Debian's Chromium (playwright-core, no browser download).
// Prints one "PASS: browser: ..." or "FAIL: browser: ... (detail)" line per
// check (the suite name comes from $SUITE) and exits 1 when any check failed.
// Run by tests/cli/browser.sh, which builds the site and serves it.
//
// For every page: axe-core (WCAG 2.0/2.1 A and AA, best practice), in the
// light and the dark colour scheme, and no horizontal scrolling at 320 px.
// The article page also renders without JavaScript. Screenshots of the
// home page and the article at 320 px go to SHOT_DIR.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const shotDir = process.argv[3] || '';
const suite = process.env.SUITE || 'browser';
if (!base) {
  console.error('usage: node axe.mjs BASE_URL [SHOT_DIR]');
  process.exit(2);
}

const ARTICLE = '/delivery/spam-folder/';
const TREE = '/wizard/mail-not-arriving/';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const NARROW = { width: 320, height: 640 };
let failed = 0;

const pass = (what) => console.log(`PASS: ${suite}: ${what}`);
const fail = (what, detail) => {
  failed++;
  console.log(`FAIL: ${suite}: ${what} (${String(detail).replace(/\s+/g, ' ').slice(0, 1500)})`);
};
const shown = (path) => {
  try { return decodeURI(path); } catch { return path; }
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Playwright gives every launch a fresh, temporary user data dir.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
}).catch((e) => {
  fail('launch chromium', e.message);
  process.exit(1);
});

const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const narrow = await browser.newContext({ viewport: NARROW, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
const noScript = await browser.newContext({ javaScriptEnabled: false });

// One page per kind of visit, navigated from URL to URL (a new page per
// visit costs more than the checks on a loaded machine).
const pages = new Map();
async function pageFor(context, colorScheme) {
  if (!pages.has(context)) pages.set(context, new Map());
  const byScheme = pages.get(context);
  if (!byScheme.has(colorScheme)) {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme });
    byScheme.set(colorScheme, page);
  }
  return byScheme.get(colorScheme);
}

// Loads path; returns the page and the response status.
async function open(context, path, colorScheme = 'light') {
  const page = await pageFor(context, colorScheme);
  const response = await page.goto(base + path, { waitUntil: 'load', timeout: 20000 });
  return { page, status: response ? response.status() : 0 };
}

function describeViolations(violations) {
  return violations.map((v) => {
    const targets = v.nodes.slice(0, 3).map((n) => n.target.flat(Infinity).join(' ')).join(', ');
    const more = v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : '';
    const first = v.nodes[0];
    const why = first && first.any && first.any[0] ? ` [${first.any[0].message}]` : '';
    return `${v.id}: ${v.help} at ${targets}${more}${why}`;
  }).join('; ');
}

async function axe(path, colorScheme, wantStatus) {
  const what = `axe ${colorScheme === 'dark' ? 'dark ' : ''}${shown(path)}`;
  try {
    const { page, status } = await open(desktop, path, colorScheme);
    if (status !== wantStatus) {
      fail(what, `HTTP ${status}, want ${wantStatus}`);
      return;
    }
    // Legacy mode runs axe.run in the page itself, without the extra blank
    // page of the frame-by-frame mode: 2-3 times faster, and the site has
    // no iframes.
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
    if (results.violations.length) fail(what, describeViolations(results.violations));
    else pass(what);
  } catch (e) {
    fail(what, e.message);
  }
}

// No horizontal scrolling at 320 px; on failure, names the elements that
// stick out past the right edge.
async function narrowFits(path, shot) {
  const what = `320px: no horizontal scrolling ${shown(path)}`;
  try {
    const { page } = await open(narrow, path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width <= NARROW.width) {
      pass(what);
    } else {
      const culprits = await page.evaluate((limit) => {
        const name = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') +
          (e.classList.length ? `.${[...e.classList].join('.')}` : '');
        return [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > limit + 0.5)
          .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > limit + 0.5))
          .slice(0, 5)
          .map((e) => `${name(e)} right=${Math.round(e.getBoundingClientRect().right)}`);
      }, NARROW.width);
      fail(what, `scrollWidth ${width} > ${NARROW.width}: ${culprits.join(', ')}`);
    }
    if (shot && shotDir) {
      await page.screenshot({ path: `${shotDir}/${shot}`, fullPage: true });
      console.log(`screenshot: ${shotDir}/${shot}`);
    }
  } catch (e) {
    fail(what, e.message);
  }
}

// The first href in path that matches pattern, as a path ('' if none).
async function firstLink(path, selector, pattern) {
  const { page } = await open(desktop, path);
  const hrefs = await page.$$eval(selector, (as) => as.map((a) => a.href));
  for (const href of hrefs) {
    const url = new URL(href);
    if (url.origin + url.pathname !== base + path && pattern.test(url.pathname)) return url.pathname;
  }
  return '';
}

// Static step pages of TREE, found in the map's step table (the options of
// a static step lead into kb.cgi's walk when the site has it): the first
// question, another question, and the first outcome of each result.
async function wizardPages() {
  const { page } = await open(desktop, `${TREE}map/`);
  const rows = await page.$$eval('.node-table tbody tr', (trs) => trs.map((tr) => ({
    kind: (tr.cells[1] || {}).textContent || '',
    href: (tr.querySelector('a') || {}).href || '',
  })));
  const found = [];
  const pick = (test) => {
    const row = rows.find((r) => r.href && test(r.kind));
    if (row) found.push(new URL(row.href).pathname);
    return Boolean(row);
  };
  const wanted = [
    ['the first question', (k) => k.includes('最初')],
    ['another question', (k) => k.startsWith('質問') && !k.includes('最初')],
    ['a resolved outcome', (k) => k.includes('解決') && !k.includes('未解決')],
    ['an unresolved outcome', (k) => k.includes('未解決')],
    ['an escalate outcome', (k) => k.includes('要問い合わせ')],
  ];
  for (const [what, test] of wanted) {
    if (!pick(test)) fail(`wizard: ${what} in the step table of ${TREE}map/`, `${rows.length} rows`);
  }
  return found;
}

async function exists(path) {
  return (await open(desktop, path)).status === 200;
}

// AXE_PATHS ("/ /guide/ ..."): only those pages of another site, light
// and dark, and at 320 px (the shipped site's own pages are not there).
const only = (process.env.AXE_PATHS || '').split(' ').filter(Boolean);

try {
  if (only.length) {
    for (const path of only) {
      await axe(path, 'light', 200);
      await axe(path, 'dark', 200);
      await narrowFits(path, '');
    }
  } else {
  const paths = ['/', '/delivery/', ARTICLE, '/deliverability/spf/', '/tags/'];
  const tag = await firstLink('/tags/', 'main a', /^\/tags\/[^/]+\/$/);
  if (tag) paths.push(tag);
  else fail('tags: a tag page linked from /tags/', 'no link to /tags/<tag>/');
  paths.push('/search/');
  if (await exists('/wizard/')) {
    paths.push('/wizard/');
    if (await exists(TREE)) {
      paths.push(TREE, ...await wizardPages());
      if (await exists(`${TREE}map/`)) paths.push(`${TREE}map/`);
      else fail(`wizard: ${TREE}map/ served`, 'not found');
    } else {
      console.log(`SKIP: ${suite}: ${TREE} (not in this site)`);
    }
  } else {
    console.log(`SKIP: ${suite}: /wizard/ pages (not in this site)`);
  }

  for (const path of paths) {
    await axe(path, 'light', 200);
    await axe(path, 'dark', 200);
  }
  await axe('/no-such-page/', 'light', 404);

  for (const path of paths) {
    const shot = path === '/' ? 'home-320.png' : path === ARTICLE ? 'article-320.png' : '';
    await narrowFits(path, shot);
  }

  // Without JavaScript the article still renders its heading.
  {
    const what = `no JavaScript: ${ARTICLE} renders its h1`;
    const { page, status } = await open(noScript, ARTICLE);
    const h1 = page.locator('main h1').first();
    const text = (await h1.count()) ? (await h1.innerText()).trim() : '';
    if (status === 200 && text && await h1.isVisible()) pass(what);
    else fail(what, `HTTP ${status}, h1 '${text}'`);
  }
  }
} catch (e) {
  fail('browser checks ran', e.stack || e.message);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
