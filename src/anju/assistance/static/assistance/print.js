/* The public list's print button (no inline scripts: Content-Security-Policy). */
document.addEventListener("click", function (event) {
  "use strict";
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});
