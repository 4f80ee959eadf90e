// map.mjs BASE_URL [SHOT_DIR] — the wizard's map for support staff
// (/wizard/mail-not-arriving/map/) in Debian's Chromium (playwright-core,
// no browser download), against the shipped site that
// tests/cli/browser_map.sh serves.
// Prints one "PASS: <suite>: ..." or "FAIL: <suite>: ... (detail)" line per
// check ($SUITE, default browser_map) and exits 1 when any check failed.
//
// At 390 px (a phone) and 1280 px (a desktop):
//   - the diagram fits its box by default, and the first question's box
//     is on the first screen;
//   - every box shows its step's id, and every step of the table has a box;
//   - the key names the four kinds, each with the fill the diagram uses;
//   - zoom in, out and fit change the diagram's size; the full-size link
//     shows it unscaled with the first question in view, with JavaScript
//     and without;
//   - the step table: cards at 390 px without horizontal scrolling of the
//     page, a table at 1280 px whose URLs take two lines at most;
//   - a row's Copy button puts that row's URL on the clipboard and says
//     so; every Copy button has a name of its own;
//   - axe-core (WCAG 2.0/2.1 A and AA, best practice), light and dark.
// Full-page screenshots go to SHOT_DIR/map-390.png and map-1280.png.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const shotDir = process.argv[3] || '';
const suite = process.env.SUITE || 'browser_map';
if (!base) {
  console.error('usage: node map.mjs BASE_URL [SHOT_DIR]');
  process.exit(2);
}

const MAP = '/wizard/mail-not-arriving/map/';
const START = 'delivery-error-shown';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
// The key's words (theme/i18n/ja.yaml) and the class of the boxes each
// stands for (treemap.c).
const KINDS = [
  { label: '質問', selector: 'g.node.question' },
  { label: '結果: 解決', selector: 'g.node.outcome.resolved' },
  { label: '結果: 未解決', selector: 'g.node.outcome.unresolved' },
  { label: '結果: 要問い合わせ', selector: 'g.node.outcome.escalate' },
];
const COPY = 'コピー';
const COPIED = 'コピーしました';
const WIDTHS = [
  { name: '390px', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  { name: '1280px', viewport: { width: 1280, height: 900 } },
];
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

async function openMap(context) {
  const page = await context.newPage();
  // a missing button fails its check in seconds, not the default 30 s
  page.setDefaultTimeout(5000);
  const response = await page.goto(base + MAP, { waitUntil: 'load', timeout: 20000 });
  if (!response || response.status() !== 200) {
    throw new Error(`HTTP ${response ? response.status() : 0} for ${MAP}`);
  }
  return page;
}

// The diagram's rendered width, its box's width inside the padding, its
// natural width (the width attribute), and where the first question's box
// is, against the window and the box's visible part.
function measure(page) {
  return page.evaluate((start) => {
    const region = document.querySelector('.tree-map');
    const svg = region.querySelector('svg');
    const style = getComputedStyle(region);
    const node = document.getElementById(`map-${start}`);
    const box = node ? node.getBoundingClientRect() : null;
    const view = region.getBoundingClientRect();
    const rect = (r) => r && { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    return {
      width: svg.getBoundingClientRect().width,
      room: region.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      natural: svg.width.baseVal.value,
      start: rect(box),
      region: rect(view),
      window: { width: innerWidth, height: innerHeight },
    };
  }, START);
}

const inside = (r, outer) => r && r.left >= outer.left - 0.5 && r.top >= outer.top - 0.5 &&
  r.right <= outer.right + 0.5 && r.bottom <= outer.bottom + 0.5;
const meets = (r, outer) => r && r.left < outer.right && r.right > outer.left &&
  r.top < outer.bottom && r.bottom > outer.top;
const windowRect = (m) => ({ left: 0, top: 0, right: m.window.width, bottom: m.window.height });
const shown = (r) => r && `${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`;

// The default view: the diagram within its box, the first question in the
// first screen.
async function checkFit(page, name) {
  const m = await measure(page);
  check(m.width > 0 && m.width <= m.room + 0.5 && m.width <= m.window.width,
    `${name}: the diagram fits its box by default`,
    `rendered ${m.width} px, box ${m.room} px, window ${m.window.width} px`);
  check(inside(m.start, windowRect(m)) && m.start.bottom - m.start.top > 0,
    `${name}: the first question's box is on the first screen`,
    `box ${shown(m.start)}, window ${m.window.width}×${m.window.height}`);
}

// Every box's last line is its step's id, drawn where it can be seen, and
// every step in the table has a box.
async function checkIds(page, name) {
  const result = await page.evaluate(() => {
    const wrong = [];
    const drawn = new Set();
    const nodes = [...document.querySelectorAll('.tree-map g.node')];
    for (const node of nodes) {
      // "map-<id>", or "map-<id>.<n>" for another drawing of an outcome
      const id = node.id.replace(/^map-/, '').replace(/\.\d+$/, '');
      const texts = node.querySelectorAll('text');
      const last = texts[texts.length - 1];
      const box = node.getBoundingClientRect();
      const line = last ? last.getBoundingClientRect() : null;
      if (!last || last.textContent.trim() !== id || !line || line.width <= 0 ||
        line.left < box.left - 0.5 || line.right > box.right + 0.5) {
        wrong.push(`${node.id}: '${last ? last.textContent : ''}'`);
      }
      drawn.add(id);
    }
    const steps = [...document.querySelectorAll('table.node-table tbody tr td:first-child code')]
      .map((code) => code.textContent.trim());
    return { count: nodes.length, wrong, missing: steps.filter((s) => !drawn.has(s)), steps: steps.length };
  });
  check(result.count > 0 && result.wrong.length === 0,
    `${name}: every box shows its step's id (${result.count} boxes)`, result.wrong.join(', ') || 'no boxes');
  check(result.steps > 0 && result.missing.length === 0,
    `${name}: every step in the table has a box (${result.steps} steps)`,
    result.missing.join(', ') || 'no steps');
}

// The key lists the four kinds in words, each beside the fill its boxes have.
async function checkKey(page, name) {
  const result = await page.evaluate((kinds) => kinds.map((kind) => {
    const item = [...document.querySelectorAll('.map-key li')]
      .find((li) => li.textContent.trim() === kind.label);
    const swatch = item && item.querySelector('svg rect');
    const box = document.querySelector(`.tree-map ${kind.selector} :is(path, polygon)`);
    return {
      label: kind.label,
      found: Boolean(item),
      swatch: swatch ? swatch.getAttribute('fill') : '',
      box: box ? box.getAttribute('fill') : '',
    };
  }), KINDS);
  const bad = result.filter((k) => !k.found || !k.swatch || k.swatch !== k.box);
  check(bad.length === 0, `${name}: the key names the four kinds, each in its boxes' fill`,
    bad.map((k) => `${k.label}: ${k.found ? `swatch ${k.swatch}, boxes ${k.box}` : 'not in the key'}`).join('; '));
}

// The zoom buttons change the diagram's size; the full-size link shows it
// at its natural size with the first question in view.
async function checkZoom(page, name) {
  const zoomButton = (text) => page.locator('.map-tools button', { hasText: text });
  const before = await measure(page);
  await zoomButton('拡大').click();
  const bigger = await measure(page);
  check(bigger.width > before.width * 1.1, `${name}: 拡大 enlarges the diagram`,
    `${before.width} → ${bigger.width} px`);
  await zoomButton('縮小').click();
  const smaller = await measure(page);
  check(smaller.width < bigger.width / 1.1, `${name}: 縮小 shrinks it`,
    `${bigger.width} → ${smaller.width} px`);
  await zoomButton('拡大').click();
  await zoomButton('拡大').click();
  await zoomButton('全体を表示').click();
  const fit = await measure(page);
  check(Math.abs(fit.width - before.width) < 1, `${name}: 全体を表示 fits it again`,
    `${fit.width} px, at first ${before.width} px`);
  await page.locator('a.map-full-link').click();
  await page.waitForTimeout(100);
  await checkFullSize(page, `${name}: the full-size link`);
  await zoomButton('全体を表示').click();
}

async function checkFullSize(page, what) {
  const m = await measure(page);
  check(Math.abs(m.width - m.natural) < 1 && m.natural > m.room,
    `${what} shows the diagram unscaled`, `rendered ${m.width} px, natural ${m.natural} px, box ${m.room} px`);
  check(meets(m.start, m.region) && meets(m.start, windowRect(m)),
    `${what} shows the first question`, `box ${shown(m.start)}, visible ${shown(m.region)}, window ${m.window.width}×${m.window.height}`);
}

// Cards on a phone, a table with URLs on two lines at most on a desktop.
async function checkTable(page, name, narrow) {
  const result = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('table.node-table tbody tr')];
    const cell = rows[0] && rows[0].querySelector('td');
    // an inline <code> has one client rect per line it takes
    const lines = rows.map((row) => {
      const code = row.querySelector('td.node-url code');
      return code ? new Set([...code.getClientRects()].map((r) => Math.round(r.top))).size : 0;
    });
    return {
      rows: rows.length,
      display: rows[0] ? getComputedStyle(rows[0]).display : '',
      label: cell ? getComputedStyle(cell, '::before').content : '',
      want: cell ? cell.getAttribute('data-label') : '',
      lines,
      scrollWidth: document.scrollingElement.scrollWidth,
      innerWidth,
    };
  });
  if (narrow) {
    check(result.rows > 0 && result.display === 'block' && result.label === `"${result.want}"`,
      `${name}: each step is a card, its cells under their column's name`,
      `${result.rows} rows, display ${result.display}, ::before ${result.label}, data-label ${result.want}`);
    check(result.scrollWidth <= result.innerWidth,
      `${name}: the page does not scroll sideways`, `scrollWidth ${result.scrollWidth} > ${result.innerWidth}`);
  } else {
    check(result.rows > 0 && result.display === 'table-row',
      `${name}: the steps are a table`, `${result.rows} rows, display ${result.display}`);
    const most = Math.max(...result.lines);
    check(result.rows > 0 && result.lines.every((n) => n >= 1) && most <= 2,
      `${name}: every URL takes at most two lines (at most ${most})`, `lines ${result.lines.join(',')}`);
  }
}

// A row's Copy button copies that row's URL and says so; copying another
// row puts the first button back.
async function checkCopy(page, name) {
  const buttons = page.locator('table.node-table td.node-url button');
  const count = await buttons.count();
  const names = await buttons.evaluateAll((all) => all.map((b) => b.textContent.trim()));
  check(count > 1 && new Set(names).size === count && names.every((n) => n.startsWith(COPY)),
    `${name}: every row has a Copy button with a name of its own (${count})`, names.slice(0, 5).join(' | '));
  if (count < 3) return;
  for (const index of [2, 0]) {
    const row = page.locator('table.node-table tbody tr').nth(index);
    const url = (await row.locator('td.node-url code').innerText()).trim();
    await row.locator('td.node-url button').click();
    await page.waitForFunction((i) => {
      const b = document.querySelectorAll('table.node-table td.node-url button')[i];
      return b && b.textContent.startsWith('コピーしました');
    }, index, { timeout: 5000 }).catch(() => {});
    const copied = (await page.evaluate(() => navigator.clipboard.readText())).trim();
    const label = (await row.locator('td.node-url button').innerText()).trim();
    check(copied === url && url.startsWith('http'), `${name}: row ${index + 1}'s Copy puts its URL on the clipboard`,
      `clipboard '${copied}', URL '${url}'`);
    check(label.startsWith(COPIED), `${name}: row ${index + 1}'s button says ${COPIED}`, `label '${label}'`);
  }
  const first = (await page.locator('table.node-table tbody tr').nth(2).locator('td.node-url button').innerText()).trim();
  check(!first.startsWith(COPIED) && first.startsWith(COPY),
    `${name}: copying another row puts the earlier button back to ${COPY}`, `label '${first}'`);
}

async function checkAxe(page, name) {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
    const what = `${name}: axe ${scheme}: 0 violations`;
    if (results.violations.length === 0) {
      pass(what);
    } else {
      fail(what, results.violations.map((v) => `${v.id}: ${v.help} at ${
        v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`).join('; '));
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

try {
  for (const width of WIDTHS) {
    const options = { viewport: width.viewport, isMobile: width.isMobile, hasTouch: width.hasTouch,
      deviceScaleFactor: width.deviceScaleFactor };
    const context = await browser.newContext(options);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await openMap(context).catch((e) => {
      fail(`${width.name}: ${MAP} loads`, e.message);
      return null;
    });
    if (page) {
      await scenario(`${width.name}: the default view`, () => checkFit(page, width.name));
      if (shotDir) {
        await scenario(`${width.name}: screenshot`, async () => {
          const file = `${shotDir}/map-${width.viewport.width}.png`;
          await page.screenshot({ path: file, fullPage: true });
          console.log(`screenshot: ${file}`);
        });
      }
      await scenario(`${width.name}: ids`, () => checkIds(page, width.name));
      await scenario(`${width.name}: key`, () => checkKey(page, width.name));
      await scenario(`${width.name}: table`, () => checkTable(page, width.name, width.viewport.width < 640));
      await scenario(`${width.name}: axe`, () => checkAxe(page, width.name));
      await scenario(`${width.name}: zoom`, () => checkZoom(page, width.name));
      await scenario(`${width.name}: copy`, () => checkCopy(page, width.name));
    }
    await context.close();

    const noScript = await browser.newContext({ ...options, javaScriptEnabled: false });
    await scenario(`${width.name}: without JavaScript`, async () => {
      const page = await openMap(noScript);
      const name = `${width.name} without JavaScript`;
      await checkFit(page, name);
      await checkTable(page, name, width.viewport.width < 640);
      await page.locator('a.map-full-link').click();
      await page.waitForFunction(() => location.hash !== '', null, { timeout: 5000 });
      await checkFullSize(page, `${name}: the full-size link`);
    });
    await noScript.close();
  }
} catch (e) {
  fail('map checks ran', e.stack || e.message);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
