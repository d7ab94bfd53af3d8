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
})();
