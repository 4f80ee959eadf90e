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

  /* Instant search: results from <cgi_url>/search.json as the visitor
     types, under the header. Only when the form submits to kb.cgi (its
     action ends in /search); Enter still submits the form as usual. */
  function instantSearch() {
    var form = document.querySelector("form.search-form");
    var input = form && form.querySelector("input[name=q]");
    var action = form && form.getAttribute("action");
    if (!input || !action || !/\/search$/.test(action) || !window.fetch) return;
    var header = form.closest("header") || form;
    var region = document.createElement("section");
    var status = document.createElement("p");
    var list = document.createElement("ul");
    var label = document.querySelector("label[for='" + input.id + "']");
    region.className = "instant-results wrap";
    region.hidden = true;
    region.setAttribute("aria-label", label ? label.textContent : "Search");
    status.className = "meta";
    status.setAttribute("role", "status");
    list.className = "card-list";
    region.appendChild(status);
    region.appendChild(list);
    header.parentNode.insertBefore(region, header.nextSibling);

    var timer = 0;
    var latest = 0;

    function show(data) {
      list.textContent = "";
      if (data.error) {
        /* a query over kb.cgi's budget: its own words, no results */
        status.textContent = String(data.error);
        region.hidden = false;
        return;
      }
      var results = (data.results || []).filter(function (result) {
        return safeUrl(result.url) !== null;
      }).slice(0, 5);
      status.textContent = japanese ? data.total + "件見つかりました"
        : data.total + (data.total === 1 ? " result" : " results");
      results.forEach(function (result) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = safeUrl(result.url);
        link.textContent = result.heading ? result.title + " › " + result.heading
          : result.title;
        item.appendChild(link);
        var snippet = document.createElement("p");
        (result.snippet_parts || []).forEach(function (part, index) {
          if (!part) return;
          if (index % 2) {
            var mark = document.createElement("mark");
            mark.textContent = part;
            snippet.appendChild(mark);
          } else {
            snippet.appendChild(document.createTextNode(part));
          }
        });
        item.appendChild(snippet);
        list.appendChild(item);
      });
      region.hidden = false;
    }

    function run() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) {
        region.hidden = true;
        return;
      }
      fetch(action + ".json?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
      }).then(function (response) {
        return response.ok || response.status === 422 ? response.json() : null;
      }).then(function (data) {
        if (data && ticket === latest) show(data);
      }).catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") region.hidden = true;
    });
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
