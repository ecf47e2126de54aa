// dcis: small progressive enhancements. Every page works without this file.
"use strict";
document.addEventListener("click", function (ev) {
  var t = ev.target;
  if (!(t instanceof Element)) return;
  // Buttons that need a second thought carry data-confirm with the question.
  var c = t.closest("[data-confirm]");
  if (c && !window.confirm(c.getAttribute("data-confirm"))) {
    ev.preventDefault();
  }
  // Copy buttons copy the text of the element they point to.
  var copy = t.closest("[data-copy]");
  if (copy && navigator.clipboard) {
    var src = document.getElementById(copy.getAttribute("data-copy"));
    if (src) navigator.clipboard.writeText(src.textContent.trim());
  }
});
