// lighthouse.mjs BASE_URL [REPORT_DIR] — Lighthouse (npm, Node API) in
// Debian's Chromium against the shipped site served by lighttpd with kb.cgi
// (tests/cli/browser_lighthouse.sh starts it).
// Lighthouse's default configuration: the mobile form factor with simulated
// throttling (the "mobile preset"), only the categories each page is held
// to. Accessibility, Best Practices and SEO must score 100, Performance at
// least 95; the search results page is noindex, so SEO is not asked of it.
// Prints one "PASS: <suite>: <page> <category> <score>" or "FAIL: ..." line
// per page and category ($SUITE, default browser_lighthouse); a FAIL names
// the audits that cost points, by id and title. Each report is written as
// REPORT_DIR/<page>.json when REPORT_DIR is given. Exits 1 when any check
// failed.
import { writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const reportDir = process.argv[3] || '';
const suite = process.env.SUITE || 'browser_lighthouse';
if (!base) {
  console.error('usage: node lighthouse.mjs BASE_URL [REPORT_DIR]');
  process.exit(2);
}

const TREE = '/wizard/mail-not-arriving';
const WALK = `/cgi-bin/kb.cgi/wizard/mail-not-arriving`;
// The answers up to an SPF/DKIM outcome, as tests/browser/cgi.mjs walks.
const ANSWERED = 'delivery-error-shown=no&check-spam=not-found';
const ALL = ['performance', 'accessibility', 'best-practices', 'seo'];
const NOINDEX = ['performance', 'accessibility', 'best-practices'];
const PAGES = [
  ['home', '/', ALL],
  ['article', '/deliverability/spf/', ALL],
  ['wizard-index', '/wizard/', ALL],
  ['question', `${TREE}/delivery-error-shown/`, ALL],
  ['outcome', `${TREE}/no-bounce-server/`, ALL],
  ['map', `${TREE}/map/`, ALL],
  ['walk-question', `${WALK}/elapsed-time?${ANSWERED}`, ALL],
  ['walk-outcome',
    `${WALK}/no-bounce-server?${ANSWERED}&elapsed-time=over-week&no-bounce-auth=no`, ALL],
  ['search', `/cgi-bin/kb.cgi/search?q=${encodeURIComponent('迷惑メール')}`, NOINDEX],
];
const MINIMUM = { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 };
let failed = 0;

const pass = (what) => console.log(`PASS: ${suite}: ${what}`);
const fail = (what, detail) => {
  failed++;
  console.log(`FAIL: ${suite}: ${what} (${String(detail).replace(/\s+/g, ' ').slice(0, 1500)})`);
};

// The audits of a category that cost it points: scored audits below 1
// (for Performance, the metrics and the insights that flag the page), each
// as "id: title [display value]".
function costly(lhr, category) {
  const lines = [];
  for (const ref of lhr.categories[category].auditRefs) {
    const audit = lhr.audits[ref.id];
    if (!audit || audit.score === null || audit.score >= 1) continue;
    if (!['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode)) continue;
    if (category !== 'performance' && ref.weight === 0) continue;
    const value = audit.displayValue ? ` [${audit.displayValue}]` : '';
    lines.push(`${audit.id}: ${audit.title}${value} (score ${audit.score})`);
  }
  return lines.length ? lines.join('; ') : 'no single audit below 1';
}

// Chromium's sandbox refuses to start as root.
const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', ...sandbox, '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  logLevel: 'silent',
}).catch((e) => {
  fail('launch chromium', e.message);
  process.exit(1);
});

try {
  for (const [name, path, categories] of PAGES) {
    let lhr;
    try {
      const result = await lighthouse(`${base}${path}`, {
        port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories,
      });
      lhr = result.lhr;
      if (reportDir) writeFileSync(`${reportDir}/${name}.json`, result.report);
    } catch (e) {
      fail(`lighthouse: ${name} runs`, e.stack || e.message);
      continue;
    }
    if (lhr.runtimeError) {
      fail(`lighthouse: ${name} loads`, `${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
      continue;
    }
    for (const category of categories) {
      const raw = lhr.categories[category]?.score;
      if (typeof raw !== 'number') {
        fail(`lighthouse: ${name} ${category} scored`, `no score: ${costly(lhr, category)}`);
        continue;
      }
      const score = Math.round(raw * 100);
      const what = `lighthouse: ${name} ${category} ${score}`;
      if (score >= MINIMUM[category]) {
        pass(what);
      } else {
        fail(what, `want at least ${MINIMUM[category]} at ${path}: ${costly(lhr, category)}`);
      }
    }
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
