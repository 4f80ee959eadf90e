// wizard.mjs CGI_BASE STATIC_BASE [SHOT_DIR] — the wizard as customers and
// support staff meet it, in Debian's Chromium (playwright-core).
// CGI_BASE serves the shipped site with kb.cgi (cgi_url and support: set);
// STATIC_BASE the same content built without cgi_url (no CGI deployed).
// tests/cli/browser_wizard.sh starts both. Prints one "PASS: <suite>: ..."
// or "FAIL: <suite>: ... (detail)" line per check ($SUITE, default
// browser_wizard) and exits 1 when any check failed.
//
//   - 診断を始める leads into the recorded walk; every step shows 質問 n /
//     最大 m, n counting up and m never growing; no mid-walk notice on a
//     step reached from the one before; the escalate outcome shows the
//     contact (a mailto: link whose subject and body carry the summary),
//     the summary and its Copy button; at 390 and 1280 px, with
//     screenshots; the same walk with JavaScript disabled;
//   - Change: the previous answer is marked (aria-current) and says so;
//   - a static step page a support person sent: the notice shows, and an
//     option leads into the recorded walk from that step (_from);
//   - without cgi_url: the static pages are the walk, with and without
//     JavaScript: the notice only on a page opened from outside, progress,
//     the contact at the outcome, and no link to kb.cgi on any page.
import { chromium } from 'playwright-core';

const cgiBase = (process.argv[2] || '').replace(/\/+$/, '');
const staticBase = (process.argv[3] || '').replace(/\/+$/, '');
const shotDir = process.argv[4] || '';
const suite = process.env.SUITE || 'browser_wizard';
if (!cgiBase || !staticBase) {
  console.error('usage: node wizard.mjs CGI_BASE STATIC_BASE [SHOT_DIR]');
  process.exit(2);
}

const TREE = '/wizard/mail-not-arriving/';
const WALK = '/cgi-bin/kb.cgi/wizard/mail-not-arriving/';
// The answers to the escalate outcome: no delivery error, not in the spam
// folder, over a week, SPF and DKIM both set.
const ANSWERS = ['いいえ(表示されていない)', 'どこにも見つからない', '1週間以上たっている',
  'はい(両方とも設定済み)'];
const OUTCOME = 'contact-support';
const SUPPORT = 'support@example.jp';
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

async function scenario(what, body) {
  try {
    await body();
  } catch (e) {
    fail(what, e.stack || e.message);
  }
}

// Clicks the link with exactly this text inside scope and waits for the
// page it leads to.
async function clickLink(page, text, scope = 'main') {
  const link = page.locator(`${scope} a`, { hasText: text }).filter({
    has: page.locator(`xpath=self::*[normalize-space(.)="${text}"]`),
  }).first();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
}

async function progress(page) {
  const box = page.locator('main .progress');
  if (await box.count() === 0) return null;
  const match = (await box.innerText()).match(/^質問 (\d+) \/ 最大 (\d+)$/);
  return match ? { n: Number(match[1]), most: Number(match[2]) } : { text: await box.innerText() };
}

const noticeShown = async (page) => page.locator('main .notice').isVisible();

// Follows ANSWERS from the first question, checking progress and the
// notice at every step; returns what went wrong, or ''.
async function walkAnswers(page, label) {
  let most = Infinity;
  for (let i = 0; i < ANSWERS.length; i++) {
    const p = await progress(page);
    if (!p || p.n !== i + 1 || !(p.most >= p.n) || p.most > most) {
      return `${label}: step ${i + 1} progress ${JSON.stringify(p)} after at most ${most}`;
    }
    most = p.most;
    if (i > 0 && await noticeShown(page)) return `${label}: step ${i + 1} shows the mid-walk notice`;
    await clickLink(page, ANSWERS[i], 'main .options');
  }
  return '';
}

// The decoded parts of the contact's mailto: link, or null.
async function mailto(page) {
  const link = page.locator('main .wizard-contact a[href^="mailto:"]');
  if (await link.count() !== 1) return null;
  const url = new URL(await link.getAttribute('href'));
  return {
    length: url.href.length,
    to: decodeURIComponent(url.pathname),
    subject: url.searchParams.get('subject') || '',
    body: url.searchParams.get('body') || '',
    box: await link.boundingBox(),
    text: (await link.innerText()).trim(),
  };
}

async function checkContact(page, label, mustHaveAnswers) {
  check(await page.locator('main .result-escalate').innerText() === 'サポートへのお問い合わせが必要です',
    `${label}: the escalate outcome says to contact support`,
    await page.locator('main .result').innerText());
  check(await page.locator('main .wizard-contact').isVisible(), `${label}: the contact is shown`, 'hidden');
  const mail = await mailto(page);
  check(mail && mail.to === SUPPORT && mail.text.includes(SUPPORT),
    `${label}: a mailto: link to the site's address`, JSON.stringify(mail));
  check(mail && mail.subject.includes('送ったメールが届かない') && mail.length <= 2000,
    `${label}: the mail's subject names the wizard; the URL within 2,000 bytes`, JSON.stringify(mail));
  check(mail && mail.body.includes('診断結果: ') && mail.body.includes('URL: http') &&
    mail.body.includes('\r\n') && (!mustHaveAnswers || mail.body.includes('no-bounce-auth=yes')),
  `${label}: the mail's body carries the summary (outcome, URL${mustHaveAnswers ? ' with the answers' : ''})`,
  JSON.stringify(mail));
  check(mail && mail.box && mail.box.height >= 44, `${label}: the mail link is a 44 px target`,
    JSON.stringify(mail && mail.box));
  check(await page.locator('main .contact-hours').innerText() === '受付時間: 平日 10:00〜18:00(土日・祝日を除く)',
    `${label}: the opening hours`, await page.locator('main .contact-hours').innerText());
  check(await page.locator('main pre.summary-text').isVisible(), `${label}: the summary to copy`, 'hidden');
}

const shot = async (page, name) => {
  if (shotDir) await page.screenshot({ path: `${shotDir}/${name}.png`, fullPage: true });
};

// ---- the recorded walk -----------------------------------------------------------

for (const width of [390, 1280]) {
  await scenario(`recorded walk at ${width} px`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cgiBase });
    const page = await context.newPage();
    await page.goto(`${cgiBase}${TREE}`, { waitUntil: 'load' });
    await shot(page, `wizard-start-${width}`);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('main a.button').click()]);
    check(path(page) === `${WALK}delivery-error-shown`,
      `${width} px: 診断を始める leads into the recorded walk`, path(page));
    check(!await noticeShown(page), `${width} px: no mid-walk notice on the first question`, 'shown');
    await shot(page, `wizard-question-${width}`);
    const wrong = await walkAnswers(page, `${width} px`);
    check(wrong === '', `${width} px: every step shows 質問 n / 最大 m, and no notice`, wrong);
    check(path(page) === `${WALK}${OUTCOME}`, `${width} px: the answers reach the escalate outcome`, path(page));
    await checkContact(page, `${width} px`, false);
    const summary = (await page.locator('pre.summary-text').innerText()).trim();
    check(summary.includes('4. ') && summary.includes('はい(両方とも設定済み)'),
      `${width} px: the summary lists the four answers`, summary.slice(0, 300));
    await page.locator('button.copy-button').click();
    await page.locator('.copy-status', { hasText: 'コピーしました' }).waitFor({ timeout: 5000 });
    const copied = (await page.evaluate(() => navigator.clipboard.readText())).trim();
    check(copied === summary, `${width} px: Copy puts the summary on the clipboard`, copied.slice(0, 200));
    const wide = await page.evaluate(() => document.scrollingElement.scrollWidth > window.innerWidth);
    check(!wide, `${width} px: the outcome does not scroll sideways`, 'scrolls');
    await shot(page, `wizard-outcome-${width}`);

    // Change the second answer: the previous one is marked.
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('main .answers a.change').nth(1).click()]);
    const marked = page.locator('main .options a[aria-current="true"]');
    check(await marked.count() === 1 &&
      (await marked.innerText()).replace(/\s+/g, '') === 'どこにも見つからない(前回の回答)',
    `${width} px: Change marks the previous answer`, await page.locator('main .options').innerText());
    const p = await progress(page);
    check(p && p.n === 2, `${width} px: Change shows the question's place`, JSON.stringify(p));
    await shot(page, `wizard-change-${width}`);
    await context.close();
  });
}

await scenario('recorded walk without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${cgiBase}${TREE}`, { waitUntil: 'load' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('main a.button').click()]);
  check(path(page) === `${WALK}delivery-error-shown`, 'no JavaScript: 診断を始める leads into the recorded walk',
    path(page));
  const wrong = await walkAnswers(page, 'no JavaScript');
  check(wrong === '', 'no JavaScript: progress at every step, no notice', wrong);
  check(path(page) === `${WALK}${OUTCOME}`, 'no JavaScript: the escalate outcome', path(page));
  await checkContact(page, 'no JavaScript', false);
  check(await page.locator('button.copy-button').count() === 0,
    'no JavaScript: the summary is there to select, without a Copy button', 'a button');
  await context.close();
});

// ---- a step a support person sent ----------------------------------------------

await scenario('a staff link into the middle', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${cgiBase}${TREE}check-spam/`, { waitUntil: 'load' });
  check(await noticeShown(page), 'staff link: a step opened from outside shows the notice', 'hidden');
  const p = await progress(page);
  check(p && p.n === 2, 'staff link: progress counts the answer before it', JSON.stringify(p));
  await shot(page, 'wizard-staff-link-390');
  await clickLink(page, 'どこにも見つからない', 'main .options');
  const url = new URL(page.url());
  check(path(page) === `${WALK}elapsed-time` && url.searchParams.get('_from') === 'check-spam' &&
    url.searchParams.get('check-spam') === 'not-found',
  'staff link: an option leads into the recorded walk from that step', page.url());
  check(await page.locator('main .answers dt').count() === 1 && !await noticeShown(page),
    'staff link: the walk records the answer, and no notice follows', await page.locator('main').innerText());
  check((await page.locator('pre.summary-text').innerText()).includes('途中のステップから開始: '),
    'staff link: the summary says where the walk began', await page.locator('pre.summary-text').innerText());
  await context.close();
});

// ---- no CGI: the static walk ----------------------------------------------------

for (const js of [true, false]) {
  const label = js ? 'static walk' : 'static walk without JavaScript';
  await scenario(label, async () => {
    const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    const cgiLinks = async () => page.locator('a[href*="kb.cgi"], form[action*="kb.cgi"]').count();
    await page.goto(`${staticBase}${TREE}`, { waitUntil: 'load' });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('main a.button').click()]);
    check(path(page) === `${TREE}delivery-error-shown/`, `${label}: 診断を始める leads to the first question's page`,
      path(page));
    let links = await cgiLinks();
    const wrong = await walkAnswers(page, label);
    check(wrong === '', `${label}: progress at every step, no notice on a step reached from the one before`, wrong);
    links += await cgiLinks();
    check(path(page) === `${TREE}${OUTCOME}/`, `${label}: the answers reach the outcome's page`, path(page));
    await checkContact(page, label, false);
    links += await cgiLinks();
    check(links === 0, `${label}: no link to kb.cgi on the way`, `${links} links`);
    if (js) await shot(page, 'wizard-static-outcome-390');
    await page.goto(`${staticBase}${TREE}elapsed-time/`, { waitUntil: 'load' });
    check(await noticeShown(page), `${label}: a step opened from outside shows the notice`, 'hidden');
    const restart = page.locator('main .wizard-actions a');
    check(await restart.getAttribute('href') === '../delivery-error-shown/' ||
      (await restart.getAttribute('href')).endsWith(`${TREE}delivery-error-shown/`),
    `${label}: start again leads to the first question's page`, await restart.getAttribute('href'));
    if (js) await shot(page, 'wizard-static-notice-390');
    await context.close();
  });
}

await browser.close();
process.exit(failed ? 1 : 0);
