/* kbgen: small enhancements only; every page works without this file. */
(function () {
  "use strict";
  /* A heading's "#" link also copies its full URL, for support replies. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.anchor");
    if (!link || !navigator.clipboard) return;
    navigator.clipboard.writeText(link.href).catch(function () {});
  });
})();
