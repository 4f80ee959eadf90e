/* kbgen: small enhancements only; every page works without this file. */
(function () {
  "use strict";
  /* A heading's "#" link also copies its full URL, for support replies. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.anchor");
    if (!link || !navigator.clipboard) return;
    navigator.clipboard.writeText(link.href).catch(function () {});
  });

  var japanese = (document.documentElement.lang || "").indexOf("ja") === 0;

  /* Copies text: the Clipboard API, else a selection and execCommand. */
  function copyText(text, source) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var ok = document.execCommand && document.execCommand("copy");
      selection.removeAllRanges();
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  /* The wizard summary (kb.cgi): a Copy button under the text. Its
     labels come from the page (data-copy-label, data-copied-label). */
  function addCopyButtons() {
    var blocks = document.querySelectorAll("pre.summary-text[data-copy-label]");
    Array.prototype.forEach.call(blocks, function (pre) {
      var line = document.createElement("p");
      var button = document.createElement("button");
      var status = document.createElement("span");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = pre.getAttribute("data-copy-label");
      status.className = "copy-status";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        status.textContent = "";
        copyText(pre.textContent, pre).then(function () {
          status.textContent = pre.getAttribute("data-copied-label") || "";
        }, function () {});
      });
      line.appendChild(button);
      line.appendChild(status);
      pre.parentNode.insertBefore(line, pre.nextSibling);
    });
  }

  /* The URL policy of every link kbgen writes (gen/markdown.c's
     markdown_url_is_safe): http, https, mailto and tel, or relative;
     anything else (javascript:, data:) is no link. Returns the absolute
     URL, or null. */
  function safeUrl(url) {
    var parsed;
    try {
      parsed = new URL(String(url), document.baseURI);
    } catch (error) {
      return null;
    }
    return /^(https?|mailto|tel):$/.test(parsed.protocol) ? parsed.href : null;
  }

  /* The instant results' own words, in the page's language. */
  var words = japanese ? {
    count: function (n, atLeast) { return n + (atLeast ? "件以上" : "件") + "見つかりました"; },
    corrected: function (q) { return "「" + q + "」の検索結果を表示しています"; },
    all: "すべての結果",
    list: "検索結果の候補",
  } : {
    count: function (n, atLeast) { return (atLeast ? "At least " : "") + n + (n === 1 ? " result" : " results"); },
    corrected: function (q) { return "Showing results for \u201c" + q + "\u201d"; },
    all: "All results",
    list: "Suggested results",
  };

  var MAX_RESULTS = 5;
  var MAX_SECTIONS = 3;
  var DEBOUNCE_MS = 200;

  /* The results of /search.json as articles, each with its sections:
     [{url, title, heading, parts, sections: [{url, heading, parts}]}]
     (heading: the section the article's snippet is from), only safe
     URLs. kb.cgi answers either grouped (a result per article, with
     "sections") or flat (a result per section, url#anchor); flat results
     of one page fold into one article. */
  function articles(data) {
    var byUrl = {};
    var list = [];
    (data.results || []).forEach(function (result) {
      var url = safeUrl(result.url);
      if (url === null) return;
      var grouped = Array.isArray(result.sections);
      var page = grouped || !result.heading ? url : url.replace(/#.*$/, "");
      var article = byUrl[page];
      if (!article) {
        article = { url: page, title: String(result.title || ""), sections: [],
          heading: grouped && result.heading ? String(result.heading) : "",
          parts: grouped || !result.heading ? result.snippet_parts || [] : [] };
        byUrl[page] = article;
        list.push(article);
      }
      var sections = grouped ? result.sections
        : result.heading ? [{ url: url, heading: result.heading,
          snippet_parts: result.snippet_parts }] : [];
      sections.forEach(function (section) {
        var sectionUrl = section && safeUrl(section.url);
        if (sectionUrl === null || !section.heading ||
          article.sections.length >= MAX_SECTIONS) return;
        article.sections.push({ url: sectionUrl, heading: String(section.heading),
          parts: section.snippet_parts || [] });
      });
    });
    return list.slice(0, MAX_RESULTS);
  }

  /* Text with its marked words: snippet_parts alternate plain and
     marked text. Only text nodes, never markup. */
  function snippetElement(parts) {
    var snippet = document.createElement("span");
    snippet.className = "instant-snippet";
    parts.forEach(function (part, index) {
      if (!part) return;
      if (index % 2) {
        var mark = document.createElement("mark");
        mark.textContent = String(part);
        snippet.appendChild(mark);
      } else {
        snippet.appendChild(document.createTextNode(String(part)));
      }
    });
    return snippet;
  }

  /* Instant search: results from <cgi_url>/search.json as the visitor
     types, under the header, as an ARIA combobox: the box keeps the
     focus, Up and Down move through the results (aria-activedescendant),
     Enter opens the active one, Escape closes the list and keeps the
     text. Only when the form submits to kb.cgi (its action ends in
     /search); Enter without an active result submits the form as usual.
     Nothing is searched while an IME composition is open: unconverted
     kana are not what the visitor means to look for. */
  function instantSearch() {
    var form = document.querySelector("form.search-form");
    var input = form && form.querySelector("input[name=q]");
    var action = form && form.getAttribute("action");
    if (!input || !action || !/\/search$/.test(action) || !window.fetch) return;
    var header = form.closest("header") || form;
    var region = document.createElement("section");
    var status = document.createElement("p");
    var listbox = document.createElement("div");
    var more = document.createElement("p");
    var moreLink = document.createElement("a");
    var label = document.querySelector("label[for='" + input.id + "']");
    var listId = (input.id || "search") + "-instant";
    region.className = "instant-results wrap";
    region.hidden = true;
    region.setAttribute("aria-label", label ? label.textContent : "Search");
    status.className = "meta";
    status.setAttribute("role", "status");
    listbox.id = listId;
    listbox.className = "instant-list";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", words.list);
    more.className = "instant-all";
    moreLink.textContent = words.all;
    more.appendChild(moreLink);
    region.appendChild(status);
    region.appendChild(listbox);
    region.appendChild(more);
    header.parentNode.insertBefore(region, header.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var timer = 0;
    var latest = 0;
    var pending = null;
    var composing = false;
    var active = -1;
    var shownQuery = "";

    function options() {
      return listbox.querySelectorAll("[role=option]");
    }

    function setActive(index) {
      var all = options();
      if (active >= 0 && all[active]) all[active].removeAttribute("aria-selected");
      active = index >= 0 && index < all.length ? index : -1;
      if (active < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      all[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function open(shown) {
      region.hidden = !shown;
      input.setAttribute("aria-expanded", shown && options().length ? "true" : "false");
      if (!shown) setActive(-1);
    }

    function option(url, className, id) {
      var link = document.createElement("a");
      link.href = url;
      link.id = id;
      link.className = className;
      link.setAttribute("role", "option");
      /* the box keeps the focus; a click still follows the link */
      link.tabIndex = -1;
      return link;
    }

    function show(data, query) {
      shownQuery = query;
      listbox.textContent = "";
      setActive(-1);
      if (data.error) {
        /* a query over kb.cgi's budget: its own words, no results */
        status.textContent = String(data.error);
        more.hidden = true;
        open(true);
        return;
      }
      var total = Number(data.total) || 0;
      status.textContent = "";
      if (data.corrected) {
        var corrected = document.createElement("span");
        corrected.className = "instant-corrected";
        corrected.textContent = words.corrected(String(data.corrected));
        status.appendChild(corrected);
        status.appendChild(document.createTextNode(" "));
      }
      status.appendChild(document.createTextNode(words.count(total, data.total_at_least === true)));
      var count = 0;
      articles(data).forEach(function (article) {
        var group = document.createElement("div");
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", article.title);
        var main = option(article.url, "instant-article", listId + "-" + count++);
        var title = document.createElement("span");
        title.className = "instant-title";
        title.textContent = article.title;
        if (article.heading) {
          var where = document.createElement("span");
          where.className = "instant-heading";
          where.textContent = " › " + article.heading;
          title.appendChild(where);
        }
        main.appendChild(title);
        if (article.parts.length) main.appendChild(snippetElement(article.parts));
        group.appendChild(main);
        article.sections.forEach(function (section) {
          var sub = option(section.url, "instant-section", listId + "-" + count++);
          var heading = document.createElement("span");
          heading.className = "instant-title";
          heading.textContent = section.heading;
          sub.appendChild(heading);
          if (section.parts.length) sub.appendChild(snippetElement(section.parts));
          group.appendChild(sub);
        });
        listbox.appendChild(group);
      });
      var all = safeUrl(action + "?q=" + encodeURIComponent(query));
      more.hidden = !total || all === null;
      if (all !== null) moreLink.href = all;
      open(true);
    }

    function run() {
      var query = input.value.trim();
      var ticket = ++latest;
      /* only the latest answer is shown; an older request is dropped */
      if (pending) pending.abort();
      pending = window.AbortController ? new AbortController() : null;
      if (!query) {
        open(false);
        return;
      }
      /* the words on show already (a composition confirmed unchanged):
         keep the list and its active option */
      if (query === shownQuery && !region.hidden) return;
      fetch(action + ".json?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        signal: pending ? pending.signal : undefined,
      }).then(function (response) {
        return response.ok || response.status === 422 ? response.json() : null;
      }).then(function (data) {
        if (data && ticket === latest && !composing) show(data, query);
      }).catch(function () {});
    }

    function schedule() {
      clearTimeout(timer);
      if (!composing) timer = setTimeout(run, DEBOUNCE_MS);
    }

    input.addEventListener("compositionstart", function () {
      composing = true;
      clearTimeout(timer);
    });
    input.addEventListener("compositionend", function () {
      composing = false;
      schedule();
    });
    /* Browsers differ in whether an input event follows compositionend;
       schedule() folds the two into one search. */
    input.addEventListener("input", function (event) {
      if (event.isComposing || composing) return;
      schedule();
    });
    input.addEventListener("keydown", function (event) {
      /* keys that confirm or move inside an IME composition are the IME's */
      if (event.isComposing || composing || event.keyCode === 229) return;
      var count = options().length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        if (region.hidden) open(true);
        var down = event.key === "ArrowDown";
        if (active < 0) setActive(down ? 0 : count - 1);
        else setActive(down ? (active + 1) % count : active - 1);
      } else if (event.key === "Enter") {
        if (region.hidden || active < 0) return;
        event.preventDefault();
        window.location.assign(options()[active].href);
      } else if (event.key === "Escape") {
        if (region.hidden) return;
        /* closes the list; a search box would also clear its text */
        event.preventDefault();
        clearTimeout(timer);
        latest++;
        open(false);
      }
    });
  }

  /* ---- the wizard's map (wizard/<tree>/map/) ---- */

  /* Zoom buttons for the diagram, which fits its box by default: fit,
     zoom out and in, and the page's full-size link (#map-<start>, which
     without JavaScript shows the diagram unscaled through :target) at
     100 %. The words come from the page (.map-tools data- attributes).
     Zooming keeps the middle of the view where it was; full size
     scrolls to the first question. */
  function mapZoom() {
    var tools = document.querySelector(".map-tools[data-fit-label]");
    var region = document.querySelector(".tree-map");
    var svg = region && region.querySelector("svg");
    var full = tools && tools.querySelector("a.map-full-link");
    if (!svg || !full || !svg.width || !svg.width.baseVal) return;
    /* the width attribute is Graphviz's natural size (in pt) */
    var natural = svg.width.baseVal.value;
    if (!(natural > 0)) return;
    var start = document.getElementById(decodeURIComponent(full.hash.slice(1)));
    var STEP = 1.25;
    var MAX = 2;
    var group = document.createElement("div");
    var shown = document.createElement("output");
    group.className = "map-zoom";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", tools.getAttribute("data-tools-label") || "");

    function scale() {
      return svg.getBoundingClientRect().width / natural;
    }
    function fitScale() {
      var style = getComputedStyle(region);
      var room = region.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return Math.min(1, room / natural);
    }
    /* factor null: fit the box */
    function zoom(factor, keepMiddle) {
      var middleX = (region.scrollLeft + region.clientWidth / 2) / region.scrollWidth;
      var middleY = (region.scrollTop + region.clientHeight / 2) / region.scrollHeight;
      if (factor === null || factor <= fitScale() + 0.001) {
        svg.style.maxWidth = "100%";
        svg.style.width = "";
      } else {
        svg.style.maxWidth = "none";
        svg.style.width = Math.round(natural * Math.min(factor, MAX)) + "px";
      }
      if (keepMiddle) {
        region.scrollLeft = middleX * region.scrollWidth - region.clientWidth / 2;
        region.scrollTop = middleY * region.scrollHeight - region.clientHeight / 2;
      }
      shown.value = Math.round(scale() * 100) + "%";
    }
    function button(text, action) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "button secondary";
      element.textContent = text;
      element.addEventListener("click", action);
      group.appendChild(element);
      return element;
    }
    button(tools.getAttribute("data-zoom-out-label"), function () {
      zoom(scale() / STEP, true);
    });
    button(tools.getAttribute("data-fit-label"), function () {
      zoom(null, false);
    });
    button(tools.getAttribute("data-zoom-in-label"), function () {
      zoom(scale() * STEP, true);
    });
    group.appendChild(shown);
    tools.insertBefore(group, tools.firstChild);
    full.addEventListener("click", function (event) {
      event.preventDefault();
      zoom(1, false);
      if (start && start.scrollIntoView) {
        start.scrollIntoView({ block: "nearest", inline: "center" });
      }
    });
    window.addEventListener("resize", function () {
      shown.value = Math.round(scale() * 100) + "%";
    });
    shown.value = Math.round(scale() * 100) + "%";
  }

  /* A Copy button beside each step's URL in the map's table. Its words
     come from the table (data-copy-label, data-copied-label); a hidden
     part names the step, so that every button's name is its own. The
     last button used says "copied" until another one is. */
  function mapCopyButtons() {
    var table = document.querySelector("table.node-table[data-copy-label]");
    if (!table) return;
    var copyLabel = table.getAttribute("data-copy-label");
    var copiedLabel = table.getAttribute("data-copied-label") || copyLabel;
    var status = document.createElement("p");
    var last = null;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    table.parentNode.insertBefore(status, table.nextSibling);

    function label(button, text, step) {
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + step;
      button.textContent = text;
      button.appendChild(hidden);
    }
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      var url = row.querySelector("td.node-url code");
      var id = row.querySelector("td code");
      if (!url || !id) return;
      var step = id.textContent;
      var line = document.createElement("div");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button button secondary";
      label(button, copyLabel, step);
      button.addEventListener("click", function () {
        copyText(url.textContent, url).then(function () {
          if (last && last !== button) label(last, copyLabel, last.getAttribute("data-step"));
          last = button;
          label(button, copiedLabel, step);
          status.textContent = copiedLabel + ": " + step;
        }, function () {});
      });
      button.setAttribute("data-step", step);
      line.appendChild(button);
      url.parentNode.appendChild(line);
    });
  }

  function mapPage() {
    mapZoom();
    mapCopyButtons();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mapPage);
  } else {
    mapPage();
  }

  function start() {
    addCopyButtons();
    instantSearch();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* Printing: the date under the printed URL (.print-source). The build
   writes no date into pages, so the same input gives the same bytes;
   the date of printing is filled in here, in the page's language, when
   the browser starts to print (beforeprint) or switches to print media
   (matchMedia: some browsers and the print preview send no event). */
(function () {
  "use strict";
  function fillPrintDate() {
    var spans = document.querySelectorAll(".print-source .print-date");
    var language = document.documentElement.lang || undefined;
    var today = new Date();
    var text;
    try {
      text = new Intl.DateTimeFormat(language, { year: "numeric", month: "long", day: "numeric" })
        .format(today);
    } catch (error) {
      text = today.toLocaleDateString();
    }
    Array.prototype.forEach.call(spans, function (span) {
      span.textContent = (span.getAttribute("data-label") || "") + text;
    });
  }
  window.addEventListener("beforeprint", fillPrintDate);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    var changed = function (event) {
      if (event.matches) fillPrintDate();
    };
    if (print.addEventListener) print.addEventListener("change", changed);
    else if (print.addListener) print.addListener(changed);
  }
})();

/* "Did this help?" in place (site.yaml's feedback:): the vote posted as
   the form posts it, with format=json, and the thanks said where the
   buttons were; after いいえ a comment box, posted the same way. Without
   JavaScript, or when fetch fails, the form posts and kb.cgi answers with
   a page. The words come from the section's data- attributes. */
(function () {
  "use strict";
  function post(url, body) {
    body.set("format", "json");
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, status: response.status, data: data };
        });
      });
  }
  function status(text) {
    var paragraph = document.createElement("p");
    paragraph.setAttribute("role", "status");
    paragraph.className = "feedback-status";
    paragraph.textContent = text;
    return paragraph;
  }
  function addComment(section, action, page, id) {
    var form = document.createElement("form");
    var label = document.createElement("label");
    var area = document.createElement("textarea");
    var line = document.createElement("p");
    var button = document.createElement("button");
    form.className = "feedback-comment";
    label.setAttribute("for", "kb-feedback-comment");
    label.textContent = section.getAttribute("data-comment-label");
    area.id = "kb-feedback-comment";
    area.name = "comment";
    area.rows = 5;
    area.maxLength = 500;
    button.type = "submit";
    button.textContent = section.getAttribute("data-comment-submit");
    line.appendChild(button);
    form.appendChild(label);
    form.appendChild(area);
    form.appendChild(line);
    form.addEventListener("submit", function (event) {
      var body = new URLSearchParams();
      event.preventDefault();
      if (!area.value.trim()) return;
      body.set("vote_id", String(id));
      body.set("page", page);
      body.set("comment", area.value);
      post(action, body).then(function (answer) {
        if (answer.ok) form.replaceWith(status(section.getAttribute("data-comment-thanks")));
      }, function () {});
    });
    section.insertBefore(form, section.querySelector(".feedback-privacy"));
  }
  function inPlace(form) {
    var section = form.parentNode;
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      var body;
      if (!button || !window.fetch || !window.URLSearchParams || !window.FormData) return;
      event.preventDefault();
      body = new URLSearchParams(new FormData(form));
      body.set("vote", button.value);
      post(form.action, body).then(function (answer) {
        var page = body.get("page");
        if (answer.ok) {
          form.replaceWith(status(section.getAttribute("data-thanks")));
          if (button.value === "no" && answer.data.id)
            addComment(section, form.action, page, answer.data.id);
        } else if (answer.status === 429) {
          form.replaceWith(status(section.getAttribute("data-limited")));
        }
      }, function () {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "vote";
        hidden.value = button.value;
        form.appendChild(hidden);
        form.submit();
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("section.feedback form.feedback-form"), inPlace);

  /* A page of search results left without opening a result: kb.cgi
     counts the query for the writers ("searches nobody opened"). */
  var results = document.querySelector("[data-feedback-search]");
  if (results && navigator.sendBeacon && window.URLSearchParams) {
    var opened = false;
    var open = function (event) {
      if (event.target.closest && event.target.closest("a")) opened = true;
    };
    results.addEventListener("click", open);
    results.addEventListener("auxclick", open);
    window.addEventListener("pagehide", function () {
      var body = new URLSearchParams();
      if (opened) return;
      opened = true;
      body.set("search", results.getAttribute("data-query") || "");
      navigator.sendBeacon(results.getAttribute("data-feedback-search"), body);
    });
  }
})();
