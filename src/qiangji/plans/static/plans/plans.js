// Plans editor: append a suggested citation to a text field (no inline script: CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-append-to]") : null;
    if (!button) { return; }
    event.preventDefault();
    var field = document.getElementById(button.getAttribute("data-append-to"));
    if (!field) { return; }
    var text = button.getAttribute("data-text") || "";
    var lines = field.value ? field.value.split("\n") : [];
    if (lines.indexOf(text) === -1) {
      field.value = (field.value && !/\n$/.test(field.value) ? field.value + "\n" : field.value) + text;
    }
    button.setAttribute("aria-pressed", "true");
    field.focus();
  });
})();
