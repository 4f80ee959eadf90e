// live.mjs BASE_URL SITE_DIR [SHOT_DIR] — kbgen watch's live reload in
// Debian's Chromium (playwright-core, no browser download). BASE_URL serves
// the output of `kbgen watch --root SITE_DIR` with /_kb/ mapped to the
// watcher's live folder; this script edits SITE_DIR's files itself.
// Prints one "PASS: ..." or "FAIL: ... (detail)" line per check (suite name
// from $SUITE) and exits 1 when any check failed. Run by
// tests/cli/browser_live.sh.
//
// An edit reloads the open page by itself; a broken edit shows the error
// overlay in the site's language (every file:line:col message with its
// source line, the column marked; axe-clean in light and dark, focus on
// Close) over the last good page, also in a tab opened meanwhile and on
// kb.cgi's pages (search, the recorded walk); Close dismisses it; the fix
// reloads the pages without it.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync, writeFileSync } from 'node:fs';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const site = process.argv[3] || '';
const shotDir = process.argv[4] || '';
const suite = process.env.SUITE || 'browser_live';
if (!base || !site) {
  console.error('usage: node live.mjs BASE_URL SITE_DIR [SHOT_DIR]');
  process.exit(2);
}

const ARTICLE = '/delivery/spam-folder/';
const SOURCE = `${site}/content/delivery/spam-folder.md`;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
// A build takes well under a second; a loaded machine gets much longer.
const WAIT_MS = 20000;
const BAD_DATE = 'content/delivery/spam-folder.md:4:7: error: invalid date ' +
  "'2026-13-45' for 'date' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS with " +
  'an optional zone)';
const TITLE = 'ビルドに失敗しました';
const CLOSE = '閉じる';
const CGI_PAGES = ['/cgi-bin/kb.cgi/search?q=%E8%BF%B7%E6%83%91',
  '/cgi-bin/kb.cgi/wizard/mail-not-arriving/delivery-error-shown'];
let failed = 0;

const pass = (what) => console.log(`PASS: ${suite}: ${what}`);
const fail = (what, detail) => {
  failed++;
  console.log(`FAIL: ${suite}: ${what} (${String(detail).replace(/\s+/g, ' ').slice(0, 1500)})`);
};

const original = readFileSync(SOURCE, 'utf8');
const withLine = (key, value) => original.replace(new RegExp(`^${key}: .*$`, 'm'), `${key}: ${value}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
}).catch((e) => {
  fail('launch chromium', e.message);
  process.exit(1);
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });

async function h1(page) {
  return (await page.locator('main h1').first().innerText()).trim();
}

// Opens the article (or path) and waits until live.js has polled
// status.json once.
async function openArticle(path = ARTICLE) {
  const page = await context.newPage();
  const polled = page.waitForResponse((r) => r.url().endsWith('/_kb/status.json'),
    { timeout: WAIT_MS });
  await page.goto(base + path, { waitUntil: 'load', timeout: WAIT_MS });
  const response = await polled;
  if (response.status() !== 200) throw new Error(`status.json: HTTP ${response.status()}`);
  return page;
}

// Writes the article and waits for the page to load again; returns the ms
// from the write to the load event, or throws.
async function editAndWaitForReload(page, text) {
  await page.evaluate(() => { window.kbLiveMarker = 1; });
  const loaded = page.waitForEvent('load', { timeout: WAIT_MS });
  const start = Date.now();
  writeFileSync(SOURCE, text);
  await loaded;
  const elapsed = Date.now() - start;
  if (await page.evaluate(() => window.kbLiveMarker === 1)) throw new Error('no new document');
  return elapsed;
}

function describeViolations(violations) {
  return violations.map((v) => {
    const targets = v.nodes.slice(0, 3).map((n) => n.target.flat(Infinity).join(' ')).join(', ');
    const first = v.nodes[0];
    const why = first && first.any && first.any[0] ? ` [${first.any[0].message}]` : '';
    return `${v.id}: ${v.help} at ${targets}${why}`;
  }).join('; ');
}

async function axe(page, colorScheme) {
  const what = `axe ${colorScheme}: the page with the error overlay`;
  try {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
    if (results.violations.length) fail(what, describeViolations(results.violations));
    else pass(what);
    if (shotDir) {
      await page.screenshot({ path: `${shotDir}/overlay-${colorScheme}.png` });
      console.log(`screenshot: ${shotDir}/overlay-${colorScheme}.png`);
    }
  } catch (e) {
    fail(what, e.message);
  }
}

try {
  const page = await openArticle();
  const overlay = page.getByRole('alertdialog', { name: TITLE });
  const cgiPages = [];
  for (const path of CGI_PAGES) {
    const what = `kb.cgi's page ${path.split('?')[0]} polls the preview's status`;
    try {
      cgiPages.push(await openArticle(path));
      pass(what);
    } catch (e) {
      fail(what, e.message);
    }
  }

  {
    const what = 'an edit reloads the open page with the new text';
    try {
      const ms = await editAndWaitForReload(page, withLine('title', 'ブラウザで直したタイトル'));
      const text = await h1(page);
      if (text === 'ブラウザで直したタイトル') pass(`${what} (${ms} ms from save to load)`);
      else fail(what, `h1 '${text}' after ${ms} ms`);
    } catch (e) {
      fail(what, e.message);
    }
  }

  {
    const what = 'a broken edit shows the overlay with file:line:col';
    try {
      await page.evaluate(() => { window.kbLiveMarker = 2; });
      writeFileSync(SOURCE, withLine('title', 'ブラウザで直したタイトル').replace(/^date: .*$/m, 'date: 2026-13-45'));
      await overlay.waitFor({ state: 'visible', timeout: WAIT_MS });
      const items = await overlay.locator('li code').allInnerTexts();
      if (items.some((item) => item.trim() === BAD_DATE)) pass(what);
      else fail(what, `items: ${JSON.stringify(items)}`);
    } catch (e) {
      fail(what, e.message);
    }
    {
      const what = 'the overlay shows the line, the column marked';
      const first = overlay.locator('li').first();
      const line = (await first.locator('pre').innerText()).trim();
      const mark = await first.locator('pre mark').innerText();
      if (line === '4 | date: 2026-13-45' && mark === '2') pass(what);
      else fail(what, `line '${line}', mark '${mark}'`);
    }
    {
      const what = "the overlay speaks the site's language";
      const summary = (await overlay.locator('p').innerText()).trim();
      const lang = await overlay.getAttribute('lang');
      const want = 'エラー 1 件、警告 0 件。表示しているのは、最後に成功したビルドのページです。';
      if (summary === want && lang === 'ja') pass(what);
      else fail(what, `summary '${summary}', lang '${lang}'`);
    }
    const kept = await page.evaluate(() => window.kbLiveMarker === 2) && await h1(page) === 'ブラウザで直したタイトル';
    if (kept) pass('the overlay covers the last good page (no reload)');
    else fail('the overlay covers the last good page (no reload)', `h1 '${await h1(page)}'`);
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      return e ? `${e.tagName} ${e.textContent}` : '';
    });
    if (focused === `BUTTON ${CLOSE}`) pass('the overlay takes focus (its Close button)');
    else fail('the overlay takes focus (its Close button)', `focus on '${focused}'`);
  }

  await axe(page, 'light');
  await axe(page, 'dark');
  await page.emulateMedia({ colorScheme: 'light' });

  {
    const what = 'a tab opened while the build is broken shows the overlay';
    try {
      const other = await openArticle();
      await other.getByRole('alertdialog', { name: TITLE })
        .waitFor({ state: 'visible', timeout: WAIT_MS });
      pass(what);
      await other.close();
    } catch (e) {
      fail(what, e.message);
    }
  }

  for (const [i, cgiPage] of cgiPages.entries()) {
    const what = `kb.cgi's page ${CGI_PAGES[i].split('?')[0]} shows the overlay`;
    try {
      const items = cgiPage.getByRole('alertdialog', { name: TITLE }).locator('li code');
      await items.first().waitFor({ state: 'visible', timeout: WAIT_MS });
      if ((await items.allInnerTexts()).some((item) => item.trim() === BAD_DATE)) pass(what);
      else fail(what, `items: ${JSON.stringify(await items.allInnerTexts())}`);
    } catch (e) {
      fail(what, e.message);
    }
  }

  {
    const what = 'Close dismisses the overlay for good';
    try {
      await overlay.getByRole('button', { name: CLOSE }).click();
      await overlay.waitFor({ state: 'hidden', timeout: 5000 });
      await page.waitForTimeout(1200);
      if (await overlay.isVisible()) fail(what, 'shown again by the next poll');
      else pass(what);
    } catch (e) {
      fail(what, e.message);
    }
  }

  {
    const what = 'the fix reloads the page, without the overlay';
    const cgiLoads = cgiPages.map((p) => p.waitForEvent('load', { timeout: WAIT_MS }));
    try {
      const ms = await editAndWaitForReload(page, withLine('title', 'もう一度直したタイトル'));
      const text = await h1(page);
      const shown = await page.locator('#kb-live-overlay').count();
      if (text === 'もう一度直したタイトル' && shown === 0) pass(`${what} (${ms} ms)`);
      else fail(what, `h1 '${text}', overlays ${shown}`);
    } catch (e) {
      fail(what, e.message);
    }
    for (const [i, load] of cgiLoads.entries()) {
      const cgiWhat = `the fix reloads kb.cgi's page ${CGI_PAGES[i].split('?')[0]}, without the overlay`;
      try {
        await load;
        const shown = await cgiPages[i].locator('#kb-live-overlay').count();
        if (shown === 0) pass(cgiWhat);
        else fail(cgiWhat, `overlays ${shown}`);
      } catch (e) {
        fail(cgiWhat, e.message);
      }
    }
  }
} catch (e) {
  fail('live reload checks ran', e.stack || e.message);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
