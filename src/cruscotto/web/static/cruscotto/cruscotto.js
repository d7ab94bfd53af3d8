// The page behaviours that used to be inline handlers: the Content-Security-Policy runs no
// inline script (docs/security.md). Each is declared in the markup by a data attribute.
(function () {
  "use strict";
  // <form data-conferma="Domanda?">: asks before sending (deleting an indicator...).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.conferma && !window.confirm(form.dataset.conferma)) {
      event.preventDefault();
    }
  });
  // <select data-invia>: a filter that shows its result as soon as it is chosen.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-invia") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  // A table that scrolls sideways (a phone, a wide table) can be scrolled from the keyboard:
  // it takes the focus, named by its caption (WCAG 2.1.1; axe "scrollable-region-focusable").
  function scrollable() {
    document.querySelectorAll("#contenuto .table-responsive, #contenuto table.table").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        var caption = el.querySelector("caption");
        // a wrapper becomes a named region; a table keeps its own role (and its caption names it)
        if (el.tagName !== "TABLE" && !el.hasAttribute("aria-label") && caption) {
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", caption.textContent.trim());
        }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollable);
  window.addEventListener("resize", scrollable);
  document.addEventListener("htmx:afterSettle", scrollable);
})();
