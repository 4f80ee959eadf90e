// feedback.mjs BASE_URL [SHOT_DIR] — "Did this help?" in Debian's
// Chromium (playwright-core) against a site with site.yaml's feedback:
// served by lighttpd with kb.cgi (tests/cli/browser_feedback.sh starts it
// and reads the database afterwards).
// Prints one "PASS: <suite>: ..." or "FAIL: <suite>: ... (detail)" line per
// check ($SUITE, default browser_feedback); exits 1 when any failed.
//
//   - with JavaScript, at 390 and 1280 px: いいえ on an article is sent in
//     place, the thanks shown where the buttons were, then the comment box;
//     the comment sent in place too;
//   - without JavaScript: はい on an article posts the form and kb.cgi's
//     thank-you page links back; いいえ on a wizard outcome gives the
//     comment form and the contact, and the comment is thanked;
//   - a page of search results left without opening a result (the
//     beacon);
//   - axe-core (WCAG 2.0/2.1 A and AA, best practice), light and dark, on
//     an article with the form, the thanks in place with the comment box,
//     and kb.cgi's thank-you pages; screenshots to SHOT_DIR.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const shotDir = process.argv[3] || '';
const suite = process.env.SUITE || 'browser_feedback';
if (!base) {
  console.error('usage: node feedback.mjs BASE_URL [SHOT_DIR]');
  process.exit(2);
}
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const ARTICLE = '/errors/permanent-error/';
const OUTCOME = '/wizard/mail-not-arriving/contact-support/';
let failed = 0;

const pass = (what) => console.log(`PASS: ${suite}: ${what}`);
const fail = (what, detail) => {
  failed++;
  console.log(`FAIL: ${suite}: ${what} (${String(detail).replace(/\s+/g, ' ').slice(0, 1500)})`);
};
const check = (condition, what, detail) => (condition ? pass(what) : fail(what, detail));
const describe = (violations) => violations.map((v) =>
  `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`).join('; ');

async function axe(page, what) {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
    const name = `axe ${scheme === 'dark' ? 'dark ' : ''}${what}`;
    if (results.violations.length) fail(name, describe(results.violations));
    else pass(name);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function scenario(what, body) {
  try {
    await body();
  } catch (e) {
    fail(what, e.stack || e.message);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

await scenario('in place', async () => {
  for (const width of [390, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(base + ARTICLE, { waitUntil: 'load' });
    const section = page.locator('section.feedback');
    check(await section.locator('h2').innerText() === 'この記事は役に立ちましたか?',
      `${width}px: the article asks whether it helped`);
    if (width === 390) await axe(page, 'article with the form');
    await section.scrollIntoViewIfNeeded();
    if (shotDir) await section.screenshot({ path: `${shotDir}/feedback-form-${width}.png` });
    if (width === 390) {
      const box = await section.getByRole('button', { name: 'いいえ' }).boundingBox();
      check(box && box.width >= 44 && box.height >= 44, `${width}px: いいえ is a 44×44 target`,
        JSON.stringify(box));
    }
    await section.getByRole('button', { name: 'いいえ' }).click();
    await section.locator('.feedback-status').first().waitFor({ timeout: 10000 });
    check(page.url() === base + ARTICLE, `${width}px: いいえ sent in place (the page stays)`, page.url());
    check((await section.locator('.feedback-status').first().innerText()).includes('記事と診断の改善に役立てます'),
      `${width}px: the thanks where the buttons were`);
    const area = section.locator('textarea[name=comment]');
    check(await area.count() === 1, `${width}px: then the comment box`);
    if (width === 390) await axe(page, 'thanks in place with the comment box');
    await area.fill(`JSで送った意見 ${width}`);
    await section.getByRole('button', { name: '送信する' }).click();
    await section.locator('.feedback-status', { hasText: 'ご意見ありがとうございました' }).waitFor({ timeout: 10000 });
    pass(`${width}px: the comment sent in place and thanked`);
    if (shotDir) await section.screenshot({ path: `${shotDir}/feedback-thanks-${width}.png` });
    await context.close();
  }
});

await scenario('without JavaScript', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 900 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(base + ARTICLE, { waitUntil: 'load' });
  await Promise.all([
    page.waitForURL('**/cgi-bin/kb.cgi/feedback'),
    page.locator('section.feedback').getByRole('button', { name: 'はい' }).click(),
  ]);
  check(await page.locator('h1').innerText() === 'ご回答ありがとうございました',
    'no JS: はい answered by the thank-you page');
  await Promise.all([
    page.waitForURL(`**${ARTICLE}`),
    page.getByRole('link', { name: '元のページに戻る' }).click(),
  ]);
  pass('no JS: the thank-you page links back');

  await page.goto(base + OUTCOME, { waitUntil: 'load' });
  check(await page.locator('section.feedback h2').innerText() === '解決しましたか?',
    'no JS: the outcome asks whether it solved it');
  await Promise.all([
    page.waitForURL('**/cgi-bin/kb.cgi/feedback'),
    page.locator('section.feedback').getByRole('button', { name: 'いいえ' }).click(),
  ]);
  check(await page.locator('form.feedback-comment textarea').count() === 1,
    'no JS: いいえ on an outcome gives the comment form');
  check(await page.locator('.wizard-contact').count() === 1, 'no JS: and the contact');
  if (shotDir) await page.screenshot({ path: `${shotDir}/feedback-nojs-outcome-390.png`, fullPage: true });
  await page.locator('form.feedback-comment textarea').fill('JSなしで送った意見');
  await Promise.all([
    page.waitForURL('**/cgi-bin/kb.cgi/feedback'),
    page.getByRole('button', { name: '送信する' }).click(),
  ]);
  check((await page.locator('main').innerText()).includes('ご意見ありがとうございました'),
    'no JS: the comment thanked');
  await context.close();
});

// axe runs in the page: kb.cgi's pages after a plain form post (the
// form sent as it is without JavaScript, kb.js's handler bypassed)
await scenario('axe on kb.cgi\'s thank-you pages', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
  const page = await context.newPage();
  for (const [what, url, vote] of [['thank-you page', ARTICLE, 'yes'],
    ['thank-you page with the comment form and the contact', OUTCOME, 'no']]) {
    await page.goto(base + url, { waitUntil: 'load' });
    await Promise.all([
      page.waitForURL('**/cgi-bin/kb.cgi/feedback'),
      page.evaluate((value) => {
        const form = document.querySelector('form.feedback-form');
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = 'vote';
        input.value = value;
        form.appendChild(input);
        form.submit();
      }, vote),
    ]);
    await axe(page, what);
  }
  await context.close();
});

await scenario('search nobody opened', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/cgi-bin/kb.cgi/search?q=DKIM`, { waitUntil: 'load' });
  check(await page.locator('[data-feedback-search]').count() === 1, 'the results know where to report');
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForTimeout(500);
  pass('left the results without opening one');
  await context.close();
});

await browser.close();
process.exit(failed ? 1 : 0);
