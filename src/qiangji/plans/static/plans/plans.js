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

// After adding a node, the cursor goes back into the same "add" box for the next one. htmx
// keeps the focus itself only when the box had it (Enter); a tap on 添加 — how a phone adds —
// leaves the focus on the button, which the swap removes.
(function () {
  "use strict";
  var pending = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.classList || !form.classList.contains("add-node")) { return; }
    var box = form.querySelector("input[name=title]");
    pending = box ? box.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) { return; }
    var box = document.getElementById(pending);
    pending = null;
    if (box && document.activeElement !== box) { box.focus({ preventScroll: true }); }
  });
})();
