// bounce.mjs BASE_URL REPO [SHOT_DIR] — the bounce analyzer in Debian's
// Chromium (playwright-core), against the shipped site served by lighttpd
// with kb.cgi (tests/cli/browser_bounce.sh starts it). One "PASS: <suite>:"
// or "FAIL: <suite>:" line per check ($SUITE, default browser_bounce);
// exits 1 when any failed.
//
//   - paste a Postfix bounce on /bounce/, submit, read the result (the
//     recipient, the error type by the service's name, the reason, the
//     marked status), follow 診断の続きへ進む into the recorded walk: the
//     address check, with the three earlier answers in the history;
//   - the same with JavaScript disabled;
//   - upload a saved ISO-2022-JP .eml: the Yahoo! JAPAN result;
//   - axe-core (WCAG 2.0/2.1 A and AA, best practice), light and dark, on
//     /bounce/, a result page and the no-bounce page.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const repo = process.argv[3] || '.';
const shotDir = process.argv[4] || '';
const suite = process.env.SUITE || 'browser_bounce';
if (!base) {
  console.error('usage: node bounce.mjs BASE_URL REPO [SHOT_DIR]');
  process.exit(2);
}
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
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

async function scenario(what, body) {
  try {
    await body();
  } catch (e) {
    fail(what, e.stack || e.message);
  }
}

const postfix = readFileSync(`${repo}/tests/bounces/postfix-user-unknown.eml`, 'latin1');
const text = (page, selector) => page.locator(selector).first().innerText();

// Pastes, submits, reads the result and follows the walk link.
async function pasteAndFollow(page, label) {
  await page.goto(`${base}/bounce/`, { waitUntil: 'load' });
  await page.locator('#bounce-text').fill(postfix);
  await Promise.all([page.waitForURL('**/cgi-bin/kb.cgi/bounce'),
    page.getByRole('button', { name: '調べる' }).click()]);
  check(await text(page, 'h1') === 'バウンスメールの診断結果', `${label}: the result page`, await text(page, 'h1'));
  check(await text(page, '.bounce-result h2') === 'taro.yamada@example.jp', `${label}: the recipient`,
    await text(page, '.bounce-result h2'));
  const facts = await text(page, '.bounce-facts');
  check(facts.includes('永続的エラー') && facts.includes('宛先のアドレスが存在しない') &&
    facts.includes('ハードバウンス'), `${label}: class, reason, hard`, facts);
  check(await text(page, '.bounce-diagnostic mark') === '5.1.1', `${label}: the status marked`,
    await text(page, '.bounce-diagnostic mark'));
  await Promise.all([page.waitForURL('**/wizard/mail-not-arriving/**'),
    page.locator('main a', { hasText: '診断の続きへ進む' }).click()]);
  const where = decodeURI(new URL(page.url()).pathname);
  check(where === '/cgi-bin/kb.cgi/wizard/mail-not-arriving/address-check', `${label}: next opens the address check`, where);
  check(await text(page, 'h1') === '宛先のメールアドレスに誤りはありませんか?', `${label}: the step's question`,
    await text(page, 'h1'));
  const history = await page.locator('.answers dd').allInnerTexts();
  check(history.length === 3 && history[2].startsWith('永続的エラー'),
    `${label}: the earlier answers filled in (error type answered)`, JSON.stringify(history));
}

await scenario('paste and follow', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await pasteAndFollow(page, 'JavaScript on');
  if (shotDir) await page.screenshot({ path: `${shotDir}/bounce-walk-390.png` });
  await context.close();
});

await scenario('no JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  await pasteAndFollow(await context.newPage(), 'no JavaScript');
  await context.close();
});

await scenario('upload', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/bounce/`, { waitUntil: 'load' });
  await page.locator('#bounce-file').setInputFiles(`${repo}/tests/bounces/yahoo-japan-full-iso2022jp.eml`);
  await Promise.all([page.waitForURL('**/cgi-bin/kb.cgi/bounce'),
    page.getByRole('button', { name: '調べる' }).click()]);
  const facts = await text(page, '.bounce-facts');
  check(await text(page, '.bounce-result h2') === 'misaki@example.jp' && facts.includes('Yahoo! JAPAN') &&
    facts.includes('受信者のメールボックスが一杯'), 'upload: an ISO-2022-JP .eml read', facts);
  if (shotDir) await page.screenshot({ path: `${shotDir}/bounce-upload-1280.png`, fullPage: true });
  await context.close();
});

function describeViolations(violations) {
  return violations.map((v) => {
    const targets = v.nodes.slice(0, 3).map((n) => n.target.flat(Infinity).join(' ')).join(', ');
    return `${v.id}: ${v.help} at ${targets}`;
  }).join('; ');
}

await scenario('axe', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  for (const scheme of ['light', 'dark']) {
    for (const [name, input] of [['/bounce/', null], ['result', postfix], ['no bounce', 'hello']]) {
      const what = `axe ${scheme === 'dark' ? 'dark ' : ''}${name}`;
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${base}/bounce/`, { waitUntil: 'load' });
      if (input !== null) {
        await page.locator('#bounce-text').fill(input);
        await Promise.all([page.waitForURL('**/cgi-bin/kb.cgi/bounce'),
          page.getByRole('button', { name: '調べる' }).click()]);
      }
      const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
      if (results.violations.length) fail(what, describeViolations(results.violations));
      else pass(what);
      await page.close();
    }
  }
  await context.close();
});

await browser.close();
process.exit(failed ? 1 : 0);
