// records.mjs BASE_URL [SHOT_DIR] — the record checker in Debian's
// Chromium (playwright-core, no browser download), against the shipped
// site served by lighttpd with kb.cgi (tests/cli/browser_records.sh starts
// it). Prints one "PASS: <suite>: ..." or "FAIL: <suite>: ... (detail)"
// line per check ($SUITE, default browser_records) and exits 1 when any
// check failed.
//
//   - from the SPF article, follow the link to /records/; paste an SPF
//     record with two mistakes (+all, and the service's include: missing
//     behind a misspelt inlcude:) and submit, with JavaScript on and off:
//     both mistakes are listed, each at its column with the characters
//     marked, and each links the heading of the guide that explains it,
//     which opens at that heading; the form comes back filled;
//   - the keyboard alone reaches and submits the form;
//   - no horizontal scrolling at 320 px;
//   - axe-core (WCAG 2.0/2.1 A and AA, best practice), light and dark, on
//     the static form and on the results.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const shotDir = process.argv[3] || '';
const suite = process.env.SUITE || 'browser_records';
if (!base) {
  console.error('usage: node records.mjs BASE_URL [SHOT_DIR]');
  process.exit(2);
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const RECORD = 'v=spf1 a mx inlcude:_spf.example.net +all';
let failed = 0;

const pass = (what) => console.log(`PASS: ${suite}: ${what}`);
const fail = (what, detail) => {
  failed++;
  console.log(`FAIL: ${suite}: ${what} (${String(detail).replace(/\s+/g, ' ').slice(0, 1500)})`);
};
const check = (condition, what, detail) => (condition ? pass(what) : fail(what, detail));
const describeViolations = (violations) => violations.map((v) =>
  `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`).join('; ');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
}).catch((e) => {
  fail('launch chromium', e.message);
  process.exit(1);
});

async function scenario(what, body) {
  try {
    await body();
  } catch (e) {
    fail(what, e.stack || e.message);
  }
}

// The results page after pasting RECORD: both mistakes located and linked.
async function checkResults(page, label) {
  check(decodeURI(new URL(page.url()).pathname) === '/cgi-bin/kb.cgi/records',
    `${label}: the form submits to kb.cgi's /records`, page.url());
  const status = await page.locator('main [role=status]').innerText();
  check(status === 'エラー 3件、警告 0件、補足 0件', `${label}: the counts`, status);
  const items = page.locator('.records-diagnostic');
  const where = await items.locator('.records-where').allInnerTexts();
  const want = ['エラー 13文字目 spf-unknown-mechanism', 'エラー 38文字目 spf-plus-all',
    'エラー 38文字目 spf-include-missing'];
  check(JSON.stringify(where) === JSON.stringify(want),
    `${label}: each mistake at its column, with its code`, JSON.stringify(where));
  const marks = await items.locator('.records-excerpt mark').allInnerTexts();
  check(JSON.stringify(marks) === JSON.stringify(['inlcude:_spf.example.net', '+all', '+']),
    `${label}: the characters each is about are marked`, JSON.stringify(marks));
  const first = await items.nth(0).locator('.records-message').innerText();
  check(first.includes('「include」の書き間違いではありませんか'),
    `${label}: the misspelling says what to write instead`, first);
  const second = await items.nth(1).locator('.records-message').innerText();
  check(second.includes('「~all」(または「-all」)と書いてください'),
    `${label}: +all says what to write instead`, second);
  const textarea = await page.locator('#records-spf').inputValue();
  check(textarea === RECORD, `${label}: the form comes back with the record`, textarea);
  return items;
}

await scenario('paste a record with two mistakes (JavaScript on)', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/deliverability/spf/`, { waitUntil: 'load' });
  await page.locator('main a[href="/records/"]').first().click();
  await page.waitForURL(`${base}/records/`);
  pass('the SPF article links the record checker');
  await page.locator('#records-spf').fill(RECORD);
  await Promise.all([page.waitForNavigation(), page.locator('.records-form button').click()]);
  const items = await checkResults(page, 'JavaScript on');
  if (shotDir) await page.screenshot({ path: `${shotDir}/records-1280.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), items.nth(1).locator('.records-guide a').click()]);
  const url = new URL(page.url());
  check(url.pathname === '/deliverability/spf/' &&
    decodeURIComponent(url.hash) === '#末尾のallの意味',
  'the +all guide link opens the SPF article at the heading about all', page.url());
  const heading = await page.locator(`[id="${decodeURIComponent(url.hash).slice(1)}"]`).count();
  check(heading === 1, 'the heading the guide link names exists', url.hash);
  await context.close();
});

await scenario('paste a record with two mistakes (JavaScript off)', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/records/`, { waitUntil: 'load' });
  await page.locator('#records-spf').fill(RECORD);
  await Promise.all([page.waitForNavigation(), page.locator('.records-form button').click()]);
  await checkResults(page, 'JavaScript off');
  await context.close();
});

await scenario('the keyboard alone', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/records/`, { waitUntil: 'load' });
  await page.locator('#records-spf').focus();
  await page.keyboard.type(RECORD);
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement &&
      document.activeElement.matches('.records-form button'));
  }
  check(reached, 'Tab reaches the submit button', '');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await checkResults(page, 'keyboard');
  await context.close();
});

await scenario('320 px', async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  const long = `v=DKIM1; k=rsa; p=${'A'.repeat(300)}`;
  for (const [name, url] of [['form', '/records/'],
    ['results', `/cgi-bin/kb.cgi/records?spf=${encodeURIComponent(RECORD)}&dkim=${encodeURIComponent(long)}`]]) {
    await page.goto(base + url, { waitUntil: 'load' });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 320, `no horizontal scrolling at 320 px: ${name}`, `${wide} px`);
    if (shotDir) await page.screenshot({ path: `${shotDir}/records-${name}-320.png`, fullPage: true });
  }
  await context.close();
});

await scenario('axe', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const pages = [['form', '/records/'],
    ['results', `/cgi-bin/kb.cgi/records?spf=${encodeURIComponent(RECORD)}&dmarc=${encodeURIComponent('v=DMARC1; p=none')}`],
    ['no mistakes', `/cgi-bin/kb.cgi/records?spf=${encodeURIComponent('v=spf1 include:_spf.example.net -all')}`]];
  for (const scheme of ['light', 'dark']) {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, url] of pages) {
      const what = `axe ${scheme === 'dark' ? 'dark ' : ''}${name}`;
      const response = await page.goto(base + url, { waitUntil: 'load' });
      if (!response || response.status() !== 200) {
        fail(what, `HTTP ${response ? response.status() : 0}`);
        continue;
      }
      const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
      if (results.violations.length) fail(what, describeViolations(results.violations));
      else pass(`${what}: 0 violations`);
    }
    await page.close();
  }
  await context.close();
});

await browser.close();
process.exit(failed ? 1 : 0);
