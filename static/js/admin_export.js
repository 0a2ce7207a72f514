/*
 * The admin's export page: its "select all" box calls the library's onSelectToggleChange,
 * wired here because the Content-Security-Policy does not run inline event handlers.
 */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.onSelectToggleChange !== "function") {
      return;
    }
    document.querySelectorAll("input.select-toggle").forEach(function (box) {
      box.addEventListener("change", window.onSelectToggleChange);
    });
  });
})();
