// cgi.mjs BASE_URL [SHOT_DIR] — kb.cgi in Debian's Chromium (playwright-
// core, no browser download), against the shipped site served by lighttpd
// with the CGI (tests/cli/browser_cgi.sh starts it).
// Prints one "PASS: <suite>: ..." or "FAIL: <suite>: ... (detail)" line per
// check ($SUITE, default browser_cgi) and exits 1 when any check failed.
//
//   - search for 迷惑 from the home page's box, open the first result;
//     instant results appear as one types (JavaScript on);
//   - instant results: nothing searched during an IME composition of
//     めいわく (Chromium's IME through CDP, and the events as another browser
//     orders them), one search after compositionend; the ARIA combobox
//     (Down/Up move aria-activedescendant, Enter opens, Escape closes and
//     keeps the text, a click opens); すべての結果 opens the results page;
//     kb.cgi's grouped answer (sections under their article, the corrected
//     query) and only the latest of two answers shown; screenshots of the
//     open list at 390 and 1280 px;
//   - walk mail-not-arriving from the static start page into the recorded
//     walk, to an outcome that links the SPF and DKIM articles, by clicking;
//   - change an earlier answer: the later answers that still apply are
//     kept; another change drops those that no longer do;
//   - the same walk with the keyboard only (Tab and Enter);
//   - the summary's Copy button puts the summary on the clipboard;
//   - the same walk with JavaScript disabled;
//   - axe-core (WCAG 2.0/2.1 A and AA, best practice), light and dark, on
//     the search results, no-results, question, outcome and 404 pages, and
//     the open instant results with an active option.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const shotDir = process.argv[3] || '';
const suite = process.env.SUITE || 'browser_cgi';
if (!base) {
  console.error('usage: node cgi.mjs BASE_URL [SHOT_DIR]');
  process.exit(2);
}

const CGI = '/cgi-bin/kb.cgi';
const TREE = '/wizard/mail-not-arriving/';
const WALK = `${CGI}/wizard/mail-not-arriving/`;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
// The answers to an SPF/DKIM outcome: no delivery error, not in the spam
// folder, over a week, SPF and DKIM not both set.
const ANSWERS = ['いいえ(表示されていない)', 'どこにも見つからない', '1週間以上たっている',
  'いいえ(分からない場合も含む)'];
const OUTCOME = 'no-bounce-server';
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

const path = (page) => decodeURI(new URL(page.url()).pathname);

// Runs one scenario; an exception fails it instead of the whole run.
async function scenario(what, body) {
  try {
    await body();
  } catch (e) {
    fail(what, e.stack || e.message);
  }
}

// Clicks the link with exactly this text inside main and waits for the
// page it leads to.
async function clickLink(page, text, scope = 'main') {
  const link = page.locator(`${scope} a`, { hasText: text }).filter({
    has: page.locator(`xpath=self::*[normalize-space(.)="${text}"]`),
  }).first();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
}

async function answersShown(page) {
  return page.locator('main .answers dt').count();
}

async function checkOutcome(page, what) {
  check(path(page) === `${WALK}${OUTCOME}`, `${what}: ends at ${OUTCOME}`, path(page));
  check(await page.locator('main .result').count() === 1, `${what}: shows the result`, 'no .result');
  const hrefs = await page.$$eval('main .related a', (as) => as.map((a) => new URL(a.href).pathname));
  check(hrefs.includes('/deliverability/spf/') && hrefs.includes('/deliverability/dkim/'),
    `${what}: links the SPF and DKIM articles`, hrefs.join(' '));
}

// ---- search ------------------------------------------------------------------

await scenario('search', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/`, { waitUntil: 'load' });
  const box = page.locator('#site-search');
  await box.pressSequentially('迷惑', { delay: 20 });
  const instant = page.locator('.instant-results');
  await instant.locator('[role=option]').first().waitFor({ timeout: 10000 });
  check(await instant.isVisible() && await instant.locator('[role=option]').count() > 0,
    'instant results appear while typing 迷惑', 'no instant results');
  check(await instant.locator('mark').count() > 0, 'instant results highlight the words',
    'no <mark> in the instant results');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), box.press('Enter')]);
  check(path(page) === `${CGI}/search`, 'Enter submits the search to kb.cgi', path(page));
  check(await page.inputValue('#site-search') === '迷惑', 'the results page keeps 迷惑 in the box',
    await page.inputValue('#site-search'));
  const first = page.locator('main ol.search-results > li a').first();
  const href = new URL(await first.getAttribute('href'), base);
  check(await page.locator('main ol.search-results mark').first().innerText() === '迷惑',
    'results highlight 迷惑', 'first <mark> is not 迷惑');
  const response = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), first.click()]);
  check(response[0] && response[0].status() === 200 && path(page) === decodeURI(href.pathname),
    'the first result opens', `${path(page)} (want ${decodeURI(href.pathname)})`);
  check(await page.locator('main h1').first().isVisible(), 'the opened article shows its h1', 'no h1');
  if (shotDir) await page.screenshot({ path: `${shotDir}/cgi-result-article.png` });
  await context.close();
});

// ---- instant results: the URL policy and the too-broad answer ------------------
// /search.json answered by the test (page.route) with what a tampered kb.db
// could hold, and with a 422: kb.js links only http(s)/mailto/tel or
// relative URLs, and shows kb.cgi's message for a query over its budget.

await scenario('instant results: URL policy', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  let answer = 'results';
  await page.route('**/search.json?*', (route) => {
    if (answer === 'too-broad') {
      return route.fulfill({ status: 422, contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: '検索語が広すぎます' }) });
    }
    const results = ['javascript:alert(1)', ' JAVASCRIPT:alert(2)', 'data:text/html,x',
      'vbscript:x', '/delivery/spam-folder/#ok'].map((url, i) => ({
      url, title: `result ${i}`, heading: '', snippet: 'x', snippet_parts: ['x'] }));
    return route.fulfill({ status: 200, contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ query: 'x', total: results.length, page: 1, per_page: 10, results }) });
  });
  await page.goto(`${base}/`, { waitUntil: 'load' });
  const box = page.locator('#site-search');
  await box.pressSequentially('迷惑', { delay: 20 });
  const links = page.locator('.instant-results [role=option]');
  await links.first().waitFor({ timeout: 10000 });
  const hrefs = await links.evaluateAll((all) => all.map((a) => a.getAttribute('href')));
  check(hrefs.length === 1 && hrefs[0] === `${base}/delivery/spam-folder/#ok`,
    'instant results: javascript:, data: and vbscript: URLs are no links', hrefs.join(' '));
  answer = 'too-broad';
  await box.pressSequentially('あ', { delay: 20 });
  const status = page.locator('.instant-results [role=status]');
  await page.waitForFunction(() => {
    const s = document.querySelector('.instant-results [role=status]');
    return s && s.textContent.includes('広すぎ');
  }, null, { timeout: 10000 });
  check(await status.innerText() === '検索語が広すぎます' &&
    await page.locator('.instant-results [role=option]').count() === 0,
    'instant results: a 422 shows kb.cgi\'s message and no results', await status.innerText());
  await context.close();
});

// ---- instant results: the IME, the keyboard, the grouped answer ------------------

// The /search.json requests a page sends, by their q.
function searchRequests(page) {
  const seen = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('/search.json')) seen.push(url.searchParams.get('q'));
  });
  return seen;
}

// The composition events the box saw, in order, for the report.
async function recordComposition(page) {
  await page.evaluate(() => {
    window.kbEvents = [];
    const box = document.querySelector('#site-search');
    for (const type of ['compositionstart', 'compositionend', 'input']) {
      box.addEventListener(type, (e) => window.kbEvents.push(
        type === 'input' ? `input${e.isComposing ? '(composing)' : ''}` : type));
    }
  });
}

const KANA = ['め', 'めい', 'めいわ', 'めいわく'];

await scenario('instant results: IME composition (CDP)', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const seen = searchRequests(page);
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.locator('#site-search').focus();
  await recordComposition(page);
  // Chromium's own IME path: what an IME sends, composition by composition.
  const cdp = await context.newCDPSession(page);
  for (const text of KANA) {
    await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
    await page.waitForTimeout(350);
  }
  const during = seen.length;
  const events = await page.evaluate(() => window.kbEvents.join(' '));
  check(during === 0 && events.startsWith('compositionstart') && events.includes('input(composing)'),
    'IME (CDP): no /search.json request while めいわく is composed', `${during} requests: ${seen.join(', ')}; events ${events}`);
  await cdp.send('Input.insertText', { text: 'めいわく' });
  await page.locator('.instant-results [role=status]').filter({ hasText: /件/ }).waitFor({ timeout: 10000 });
  await page.waitForTimeout(500);
  const after = await page.evaluate(() => window.kbEvents.join(' '));
  check(after.includes('compositionend') && seen.length === 1 && seen[0] === 'めいわく',
    'IME (CDP): one request, for めいわく, after compositionend', `${seen.join(', ')}; events ${after}`);
  await context.close();
});

await scenario('instant results: IME composition (events)', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const seen = searchRequests(page);
  await page.goto(`${base}/`, { waitUntil: 'load' });
  const box = page.locator('#site-search');
  await box.focus();
  // The events as another browser orders them: input events marked
  // isComposing, compositionend, then a last input event (Safari).
  await box.dispatchEvent('compositionstart', { data: '' });
  for (const text of KANA) {
    await box.evaluate((element, value) => {
      element.value = value;
      element.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true,
        inputType: 'insertCompositionText', data: value }));
    }, text);
    await page.waitForTimeout(350);
  }
  const during = seen.length;
  await box.dispatchEvent('compositionend', { data: 'めいわく' });
  await box.evaluate((element) => element.dispatchEvent(new InputEvent('input',
    { bubbles: true, inputType: 'insertFromComposition', data: 'めいわく' })));
  await page.locator('.instant-results [role=status]').filter({ hasText: /件/ }).waitFor({ timeout: 10000 });
  await page.waitForTimeout(500);
  check(during === 0 && seen.length === 1 && seen[0] === 'めいわく',
    'IME (events): nothing searched while composing, one search after compositionend',
    `${during} during, then ${seen.join(', ')}`);
  await context.close();
});

await scenario('instant results: the keyboard (combobox)', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/`, { waitUntil: 'load' });
  const box = page.locator('#site-search');
  await box.pressSequentially('SPF', { delay: 20 });
  const options = page.locator('.instant-results [role=option]');
  await options.first().waitFor({ timeout: 10000 });
  const listId = await box.getAttribute('aria-controls');
  check(await box.getAttribute('role') === 'combobox' && await box.getAttribute('aria-expanded') === 'true' &&
    await page.locator(`[id="${listId}"][role=listbox]`).count() === 1,
  'the box is a combobox, expanded, controlling the listbox',
  `role ${await box.getAttribute('role')}, expanded ${await box.getAttribute('aria-expanded')}, controls ${listId}`);
  const ids = await options.evaluateAll((all) => all.map((o) => o.id));
  const active = () => box.getAttribute('aria-activedescendant');
  await box.press('ArrowDown');
  const first = await active();
  await box.press('ArrowDown');
  const second = await active();
  await box.press('ArrowUp');
  const back = await active();
  check(ids.length >= 2 && first === ids[0] && second === ids[1] && back === ids[0] &&
    await page.locator(`[id="${ids[0]}"]`).getAttribute('aria-selected') === 'true',
  'Down, Down, Up move aria-activedescendant over the options', `${first} ${second} ${back} of ${ids.join(' ')}`);
  check(await page.evaluate(() => document.activeElement.id) === 'site-search',
    'the box keeps the focus while the options are moved through', 'focus moved');
  await box.press('Escape');
  check(await page.locator('.instant-results').isHidden() && await box.getAttribute('aria-expanded') === 'false' &&
    await box.inputValue() === 'SPF' && await box.getAttribute('aria-activedescendant') === null,
  'Escape closes the list and keeps the text', `value '${await box.inputValue()}'`);
  await box.press('ArrowDown');
  check(await page.locator('.instant-results').isVisible() && await active() === ids[0],
    'Down opens the list again at the first option', String(await active()));
  // An Enter that confirms an IME conversion is the IME's: no result opens.
  const imeEnter = await box.evaluate((element) => {
    element.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true }));
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, isComposing: true });
    element.dispatchEvent(enter);
    element.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '' }));
    return enter.defaultPrevented;
  });
  await page.waitForTimeout(300);
  check(!imeEnter && path(page) === '/' && await active() === ids[0],
    'an Enter inside an IME composition opens nothing', `${path(page)}, prevented ${imeEnter}`);
  await box.press('ArrowDown');
  const want = new URL(await page.locator(`[id="${ids[1]}"]`).getAttribute('href'));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), box.press('Enter')]);
  check(path(page) === decodeURI(want.pathname) && decodeURI(new URL(page.url()).hash) === decodeURI(want.hash),
    'Enter opens the active result', `${path(page)}${decodeURI(new URL(page.url()).hash)} (want ${decodeURI(want.pathname + want.hash)})`);
  check(await page.locator('main h1').first().isVisible(), 'the result opened by Enter shows its h1', 'no h1');

  // The mouse: a click on an option follows it.
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.locator('#site-search').pressSequentially('SPF', { delay: 20 });
  await options.first().waitFor({ timeout: 10000 });
  const clicked = new URL(await options.first().getAttribute('href'));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), options.first().click()]);
  check(path(page) === decodeURI(clicked.pathname), 'a click opens a result', path(page));

  // すべての結果: kb.cgi's results page for the same words.
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.locator('#site-search').pressSequentially('SPF', { delay: 20 });
  await options.first().waitFor({ timeout: 10000 });
  const all = page.locator('.instant-results a', { hasText: 'すべての結果' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), all.click()]);
  check(path(page) === `${CGI}/search` && new URL(page.url()).searchParams.get('q') === 'SPF' &&
    await page.locator('main ol.search-results > li').count() > 0,
  'すべての結果 opens kb.cgi\'s results page for SPF', page.url());
  await context.close();
});

// kb.cgi's grouped answer, by the test: a result per article with its
// sections, and a corrected query; a title holding markup stays text.
const GROUPED = {
  query: 'SFP', corrected: 'SPF', total: 2, page: 1, per_page: 10,
  results: [
    { url: '/deliverability/spf/', kind: 'article', title: 'SPFの設定方法', heading: null,
      snippet: 'SPFは送信元を宣言する仕組みです', snippet_parts: ['', 'SPF', 'は送信元を宣言する仕組みです'],
      sections: [
        { url: '/deliverability/spf/#spfとは', heading: 'SPFとは', snippet: 'SPFとは…',
          snippet_parts: ['', 'SPF', 'とは…'] },
        { url: 'javascript:alert(1)', heading: 'bad', snippet: 'x', snippet_parts: ['x'] },
        { url: '/deliverability/spf/#手順1', heading: '手順1 今あるSPFレコードを調べる', snippet: 'v=spf1…',
          snippet_parts: ['v=', 'spf1', '…'] },
      ] },
    { url: '/wizard/mail-not-arriving/', kind: 'node', title: '<img src=x onerror=alert(1)>届かない',
      heading: '最初の質問', snippet: 'メールが届かない', snippet_parts: ['メールが届かない'], sections: [] },
  ],
};

await scenario('instant results: the grouped answer', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.route('**/search.json?*', (route) => route.fulfill({ status: 200,
    contentType: 'application/json; charset=utf-8', body: JSON.stringify(GROUPED) }));
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.locator('#site-search').pressSequentially('SFP', { delay: 20 });
  const options = page.locator('.instant-results [role=option]');
  await options.first().waitFor({ timeout: 10000 });
  const hrefs = await options.evaluateAll((all) => all.map((a) => decodeURI(new URL(a.href).pathname + new URL(a.href).hash)));
  check(hrefs.join(' ') === '/deliverability/spf/ /deliverability/spf/#spfとは /deliverability/spf/#手順1 /wizard/mail-not-arriving/',
    'grouped: each article, then its sections (url#anchor), unsafe ones left out', hrefs.join(' '));
  const groups = await page.locator('.instant-results [role=group]').evaluateAll((all) =>
    all.map((g) => g.querySelectorAll('[role=option]').length));
  check(groups.join(',') === '3,1', 'grouped: one group per article, its sections inside', groups.join(','));
  const status = await page.locator('.instant-results [role=status]').innerText();
  check(status.includes('「SPF」の検索結果を表示しています') && status.includes('2件'),
    'grouped: the corrected query is said above the list', status);
  check(await page.locator('.instant-results img').count() === 0 &&
    (await options.nth(3).innerText()).includes('<img src=x onerror=alert(1)>届かない'),
  'grouped: a title with markup is shown as text', await options.nth(3).innerText());
  check((await options.nth(3).innerText()).includes('届かない › 最初の質問') &&
    !(await options.nth(0).innerText()).includes('›'),
  'grouped: an article\'s heading (where its snippet is from) follows its title', await options.nth(3).innerText());
  check(await page.locator('.instant-results [role=option] mark').count() === 3,
    'grouped: the marked words of every snippet', String(await page.locator('.instant-results mark').count()));
  if (shotDir) {
    await page.locator('#site-search').press('ArrowDown');
    await page.screenshot({ path: `${shotDir}/instant-grouped-1280.png` });
  }
  await context.close();
});

await scenario('instant results: stale answers', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // The answer to the first query comes after the answer to the second.
  await page.route('**/search.json?*', async (route) => {
    const q = new URL(route.request().url()).searchParams.get('q');
    if (q === 'DKIM') await new Promise((resolve) => setTimeout(resolve, 1500));
    const result = { url: `/${q === 'DKIM' ? 'old' : 'new'}/`, kind: 'article', title: q, heading: null,
      snippet: q, snippet_parts: [q], sections: [] };
    await route.fulfill({ status: 200, contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ query: q, corrected: null, total: 1, page: 1, per_page: 10, results: [result] }) })
      .catch(() => {});
  });
  await page.goto(`${base}/`, { waitUntil: 'load' });
  const box = page.locator('#site-search');
  await box.pressSequentially('DKIM', { delay: 20 });
  await page.waitForTimeout(400);
  await box.fill('SPF');
  await page.locator('.instant-results [role=option]').first().waitFor({ timeout: 10000 });
  await page.waitForTimeout(1800);
  const shown = await page.locator('.instant-results [role=option]').evaluateAll((all) =>
    all.map((a) => new URL(a.href).pathname));
  check(shown.join(' ') === '/new/', 'only the latest answer is shown (an earlier, slower one is dropped)',
    shown.join(' '));
  await context.close();
});

// Screenshots of the open instant results (today's kb.cgi answer), the
// first option active, at a phone's and a desktop's width.
await scenario('instant results: screenshots', async () => {
  for (const width of [390, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await page.locator('#site-search').pressSequentially('SPF', { delay: 20 });
    await page.locator('.instant-results [role=option]').first().waitFor({ timeout: 10000 });
    await page.locator('#site-search').press('ArrowDown');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    check(!wide, `instant results at ${width} px: no horizontal scrolling`, 'scrolls sideways');
    if (shotDir) await page.screenshot({ path: `${shotDir}/instant-${width}.png` });
    await context.close();
  }
});

// ---- the walk by clicking, change, copy ---------------------------------------

await scenario('walk by clicking', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  await page.goto(`${base}${TREE}`, { waitUntil: 'load' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('main a.button').click()]);
  check(path(page) === `${WALK}delivery-error-shown`, '診断を始める leads into the recorded walk',
    path(page));
  check((await page.locator('main .progress').innerText()).startsWith('質問 1 / 最大 '),
    'the first question shows its progress', await page.locator('main .progress').innerText());
  for (const answer of ANSWERS) await clickLink(page, answer, 'main .options');
  await checkOutcome(page, 'walk by clicking');
  check(await answersShown(page) === 4, 'walk by clicking: four answers listed',
    `${await answersShown(page)} answers`);
  if (shotDir) await page.screenshot({ path: `${shotDir}/cgi-outcome.png`, fullPage: true });

  // Copy the summary.
  const summary = (await page.locator('pre.summary-text').innerText()).trim();
  check(summary.includes('いいえ(表示されていない)') && summary.includes('URL: http'),
    'summary lists the answers and the URL', summary.slice(0, 200));
  await page.locator('button.copy-button').click();
  await page.locator('.copy-status', { hasText: 'コピーしました' }).waitFor({ timeout: 5000 });
  const copied = (await page.evaluate(() => navigator.clipboard.readText())).trim();
  check(copied === summary, 'Copy puts the summary on the clipboard',
    `clipboard '${copied.slice(0, 120)}'`);

  // Change the third answer (elapsed-time): the fourth still applies.
  const change = page.locator('main .answers a.change').nth(2);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), change.click()]);
  check(path(page) === `${WALK}elapsed-time`, 'Change leads back to that question', path(page));
  check(await page.locator('main .options a[aria-current=true]').count() === 1 &&
    (await page.locator('main .options a[aria-current=true]').innerText()).includes('(前回の回答)'),
  'Change: the previous answer is marked', await page.locator('main .options').innerText());
  check(await answersShown(page) === 2, 'Change: the answers before it stay listed',
    `${await answersShown(page)} answers`);
  await clickLink(page, '1週間以上たっている(前回の回答)', 'main .options');
  check(path(page) === `${WALK}${OUTCOME}` && await answersShown(page) === 4,
    'changing an answer keeps the later answer that still applies',
    `${path(page)}, ${await answersShown(page)} answers`);

  // Change the second answer to one that ends the walk sooner.
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('main .answers a.change').nth(1).click()]);
  await clickLink(page, '見つかった', 'main .options');
  check(path(page) === `${WALK}found-in-spam` && await answersShown(page) === 2,
    'changing an answer drops the later ones that no longer apply',
    `${path(page)}, ${await answersShown(page)} answers`);

  await clickLink(page, '最初からやり直す');
  check(path(page) === `${WALK}delivery-error-shown` && await answersShown(page) === 0,
    'Start again: the first question, no answers', path(page));
  await context.close();
});

// ---- keyboard only -----------------------------------------------------------

// Presses Tab until the focused element is a link with this text, then
// Enter; fails after 60 presses.
async function tabAndEnter(page, text) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      return e && e.tagName === 'A' ? e.textContent.trim() : '';
    });
    if (focused === text) {
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
      return;
    }
  }
  throw new Error(`no link '${text}' reached with Tab on ${path(page)}`);
}

await scenario('walk with the keyboard', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}${WALK}delivery-error-shown`, { waitUntil: 'load' });
  for (const answer of ANSWERS) await tabAndEnter(page, answer);
  await checkOutcome(page, 'keyboard only');
  // Change the first answer from the keyboard too.
  await tabAndEnter(page, '変更 配信履歴に「配信エラー」と表示されていますか?');
  check(path(page) === `${WALK}delivery-error-shown`, 'keyboard only: Change reached with Tab',
    path(page));
  await tabAndEnter(page, 'いいえ(表示されていない)(前回の回答)');
  check(path(page) === `${WALK}${OUTCOME}`, 'keyboard only: the same answer again keeps all later ones',
    path(page));
  await context.close();
});

// ---- JavaScript disabled -------------------------------------------------------

await scenario('walk without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}${TREE}`, { waitUntil: 'load' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('main a.button').click()]);
  check(path(page) === `${WALK}delivery-error-shown`, 'no JavaScript: 診断を始める leads into the recorded walk',
    path(page));
  for (const answer of ANSWERS) await clickLink(page, answer, 'main .options');
  await checkOutcome(page, 'no JavaScript');
  check(await page.locator('pre.summary-text').isVisible() &&
    await page.locator('button.copy-button').count() === 0,
  'no JavaScript: the summary is there to select, without a Copy button', 'summary or button');
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.fill('#site-search', '迷惑');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.press('#site-search', 'Enter')]);
  check(path(page) === `${CGI}/search` &&
    await page.locator('main ol.search-results > li').count() > 0,
  'no JavaScript: the search form still works', path(page));
  await context.close();
});

// ---- axe ---------------------------------------------------------------------

function describeViolations(violations) {
  return violations.map((v) => {
    const targets = v.nodes.slice(0, 3).map((n) => n.target.flat(Infinity).join(' ')).join(', ');
    const first = v.nodes[0];
    const why = first && first.any && first.any[0] ? ` [${first.any[0].message}]` : '';
    return `${v.id}: ${v.help} at ${targets}${why}`;
  }).join('; ');
}

const axePages = [
  ['search results', `${CGI}/search?q=%E8%BF%B7%E6%83%91`, 200],
  ['search results, page 2', `${CGI}/search?q=%E8%BF%B7%E6%83%91&page=2`, 200],
  ['no results', `${CGI}/search?q=qqqzzzxxyy`, 200],
  ['wizard question', `${WALK}elapsed-time?delivery-error-shown=no&check-spam=not-found`, 200],
  ['wizard outcome', `${WALK}${OUTCOME}?delivery-error-shown=no&check-spam=not-found&elapsed-time=over-week&no-bounce-auth=no`, 200],
  ['404', `${CGI}/no-such-page`, 404],
];
await scenario('axe', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  for (const scheme of ['light', 'dark']) {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, url, status] of axePages) {
      const what = `axe ${scheme === 'dark' ? 'dark ' : ''}${name}`;
      try {
        const response = await page.goto(base + url, { waitUntil: 'load' });
        if (!response || response.status() !== status) {
          fail(what, `HTTP ${response ? response.status() : 0}, want ${status}`);
          continue;
        }
        const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
        if (results.violations.length) fail(what, describeViolations(results.violations));
        else pass(what);
      } catch (e) {
        fail(what, e.message);
      }
    }
    await page.close();
  }
  // The instant results, shown, with an active option: the combobox's
  // aria-activedescendant points into the listbox.
  for (const scheme of ['light', 'dark']) {
    const what = `axe ${scheme === 'dark' ? 'dark ' : ''}instant results`;
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await page.locator('#site-search').pressSequentially('SPF', { delay: 20 });
    await page.locator('.instant-results [role=option]').first().waitFor({ timeout: 10000 });
    await page.locator('#site-search').press('ArrowDown');
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
    if (results.violations.length) fail(what, describeViolations(results.violations));
    else pass(what);
    if (shotDir && scheme === 'dark') await page.screenshot({ path: `${shotDir}/instant-dark-1280.png` });
    await page.close();
  }
  await context.close();
});

await browser.close();
process.exit(failed ? 1 : 0);
