// live.js — served by `kbgen watch` only; never part of a published site.
// Polls status.json beside this script: reloads the page when a newer
// build succeeded, shows every diagnostic when the build failed.
(() => {
  'use strict';
  const POLL_MS = 400;
  const script = document.currentScript;
  const statusUrl = new URL('status.json', script ? script.src : location.href);
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
#kb-live-overlay code { display: block; padding: 0.25rem 0.5rem; border-radius: 4px;
  background: #f3f3f3; color: #1a1a1a; white-space: pre-wrap; overflow-wrap: anywhere;
  font: 0.9rem/1.4 ui-monospace, Menlo, Consolas, monospace; }
#kb-live-overlay button { font: inherit; padding: 0.4rem 1rem; border: 2px solid #a50016;
  border-radius: 4px; background: #a50016; color: #fff; cursor: pointer; }
#kb-live-overlay button:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  #kb-live-overlay { border-color: #ff8a8a; background: #1c1c1c; color: #f2f2f2; }
  #kb-live-overlay h2 { color: #ff9e9e; }
  #kb-live-overlay code { background: #2d2d2d; color: #f2f2f2; }
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
    dialog.lang = 'en';
    dialog.setAttribute('role', 'alertdialog');
    dialog.setAttribute('aria-labelledby', 'kb-live-title');
    dialog.setAttribute('aria-describedby', 'kb-live-summary');
    element('h2', dialog, 'The build failed').id = 'kb-live-title';
    element('p', dialog).id = 'kb-live-summary';
    element('ul', dialog);
    const close = element('button', dialog, 'Close');
    close.type = 'button';
    close.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => { dismissed = dialog.dataset.generation; });
    document.body.append(dialog);
  }

  function show(status) {
    const generation = String(status.generation);
    if (dismissed === generation) return;
    if (!dialog) build();
    if (dialog.open && dialog.dataset.generation === generation) return;
    dialog.dataset.generation = generation;
    const summary = status.summary || 'the page shows the last good build';
    dialog.querySelector('p').textContent =
      `${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`;
    const list = dialog.querySelector('ul');
    list.replaceChildren();
    for (const d of status.diagnostics || []) {
      element('code', element('li', list),
        `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
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
