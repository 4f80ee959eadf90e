// live.js — served by `kbgen watch` only; never part of a published site.
// Polls status.json beside this script: reloads the page when a newer
// build succeeded, shows every diagnostic when the build failed, each
// with its source line and the column marked. The overlay's words are the
// site's UI strings (theme/i18n/, live-*), which the page puts on this
// script's element; the static pages and kb.cgi's pages of the preview
// load it alike.
(() => {
  'use strict';
  const POLL_MS = 400;
  const script = document.currentScript;
  const statusUrl = new URL('status.json', script ? script.src : location.href);
  // English when a page carries no strings (a theme without live-* keys)
  const words = {
    title: 'The build failed', kept: 'The page shows the last good build.',
    count: 'Errors: {errors}, warnings: {warnings}.',
    system: 'The build could not read or write files.',
    crashed: 'The build crashed.', close: 'Close',
  };
  for (const key of Object.keys(words)) {
    const text = script && script.dataset[key];
    if (text && text !== `live-${key}`) words[key] = text;
  }
  const CSS = `
#kb-live-overlay { box-sizing: border-box; width: min(48rem, calc(100vw - 2rem));
  max-height: calc(100vh - 2rem); overflow: auto; margin: auto; padding: 1rem 1.25rem;
  border: 3px solid #a50016; border-radius: 8px; background: #fff; color: #1a1a1a;
  font: 1rem/1.5 system-ui, sans-serif; text-align: start; }
#kb-live-overlay::backdrop { background: rgba(0, 0, 0, 0.45); }
#kb-live-overlay h2 { margin: 0 0 0.5rem; font-size: 1.25rem; color: #a50016; }
#kb-live-overlay p { margin: 0 0 0.75rem; }
#kb-live-overlay ul { margin: 0 0 1rem; padding: 0; list-style: none; }
#kb-live-overlay li { margin: 0 0 0.5rem; }
#kb-live-overlay code, #kb-live-overlay pre { display: block; margin: 0; padding: 0.25rem 0.5rem;
  border-radius: 4px; background: #f3f3f3; color: #1a1a1a; white-space: pre-wrap;
  overflow-wrap: anywhere; font: 0.9rem/1.4 ui-monospace, Menlo, Consolas, monospace; }
#kb-live-overlay pre { margin-top: 2px; border-radius: 0 0 4px 4px; }
#kb-live-overlay pre span { color: #595959; }
#kb-live-overlay mark { background: #ffd9de; color: #1a1a1a;
  text-decoration: underline wavy #a50016; text-underline-offset: 3px; }
#kb-live-overlay button { font: inherit; padding: 0.4rem 1rem; border: 2px solid #a50016;
  border-radius: 4px; background: #a50016; color: #fff; cursor: pointer; }
#kb-live-overlay button:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  #kb-live-overlay { border-color: #ff8a8a; background: #1c1c1c; color: #f2f2f2; }
  #kb-live-overlay h2 { color: #ff9e9e; }
  #kb-live-overlay code, #kb-live-overlay pre { background: #2d2d2d; color: #f2f2f2; }
  #kb-live-overlay pre span { color: #b8b8b8; }
  #kb-live-overlay mark { background: #6b1f2a; color: #fff; text-decoration-color: #ff9e9e; }
  #kb-live-overlay button { border-color: #ff9e9e; background: #ff9e9e; color: #1c1c1c; }
  #kb-live-overlay button:focus-visible { outline-color: #f2f2f2; }
}`;
  let seen = null;
  let dismissed = null;
  let dialog = null;

  function addStyles() {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }

  function element(name, parent, text) {
    const node = document.createElement(name);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.append(node);
    return node;
  }

  function build() {
    addStyles();
    dialog = element('dialog');
    dialog.id = 'kb-live-overlay';
    dialog.lang = document.documentElement.lang || 'en';
    dialog.setAttribute('role', 'alertdialog');
    dialog.setAttribute('aria-labelledby', 'kb-live-title');
    dialog.setAttribute('aria-describedby', 'kb-live-summary');
    element('h2', dialog, words.title).id = 'kb-live-title';
    element('p', dialog).id = 'kb-live-summary';
    element('ul', dialog);
    const close = element('button', dialog, words.close);
    close.type = 'button';
    close.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => { dismissed = dialog.dataset.generation; });
    document.body.append(dialog);
  }

  // What the overlay says of the build: the counts of a build that found
  // errors, or why it could not build; then that the page is the last
  // good one.
  function summary(status) {
    const diagnostics = status.diagnostics || [];
    const count = (severity) => diagnostics.filter((d) => d.severity === severity).length;
    let first = words.crashed;
    if (status.reason === 'errors') {
      first = words.count.replace('{errors}', count('error'))
        .replace('{warnings}', count('warning'));
    } else if (status.reason === 'system') {
      first = words.system;
    }
    // Chinese and Japanese put no space between sentences
    const gap = /^(ja|zh)\b/.test(document.documentElement.lang) ? '' : ' ';
    return `${first}${gap}${words.kept}`;
  }

  // The diagnostic's source line, the character at its column marked (a
  // caret line would need the terminal's cell widths; a mark needs none).
  function excerpt(d, parent) {
    if (typeof d.line_text !== 'string') return;
    const pre = element('pre', parent);
    element('span', pre, `${d.line} | `).setAttribute('aria-hidden', 'true');
    const characters = Array.from(d.line_text);
    const at = Math.max(0, d.column - 1);
    pre.append(characters.slice(0, at).join(''));
    element('mark', pre, characters[at] === undefined ? ' ' : characters[at]);
    pre.append(characters.slice(at + 1).join(''));
  }

  function show(status) {
    const generation = String(status.generation);
    if (dismissed === generation) return;
    if (!dialog) build();
    if (dialog.open && dialog.dataset.generation === generation) return;
    dialog.dataset.generation = generation;
    dialog.querySelector('p').textContent = summary(status);
    const list = dialog.querySelector('ul');
    list.replaceChildren();
    let before = null;
    for (const d of status.diagnostics || []) {
      const item = element('li', list);
      const place = `${d.file}:${d.line}:${d.column}`;
      element('code', item, `${place}: ${d.severity}: ${d.message}`);
      // a note at the place of the message before it: the line is shown
      if (place !== before) excerpt(d, item);
      before = place;
    }
    if (!dialog.open) dialog.showModal();
  }

  function hide() {
    if (dialog && dialog.open) dialog.close();
  }

  async function poll() {
    try {
      const response = await fetch(statusUrl, { cache: 'no-store' });
      if (response.ok) {
        const status = await response.json();
        if (seen === null) seen = status.generation;
        if (status.ok && status.generation !== seen) {
          location.reload();
          return;
        }
        if (status.ok) hide();
        else show(status);
      }
    } catch (e) {
      // The watcher or the server is restarting: ask again later.
    }
    setTimeout(poll, POLL_MS);
  }

  poll();
})();
