// qiangji: the only page script (a CSP forbids inline scripts). Behaviour hangs off data-* attributes.
(function () {
  "use strict";
  // Submit a form when a control marked data-autosubmit changes (filters, language switch).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  // Ask before a destructive action: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Print buttons: <button data-print>.
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-print]") : null;
    if (el) { event.preventDefault(); window.print(); }
  });
  // The top bar's menus (details.dropdown in the header): one open at a time; Escape closes
  // and returns focus to the menu's name; arrow keys move through an open menu's entries.
  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll(".site-header details[open]"));
  }
  document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches(".site-header details") || !el.open) { return; }
    openMenus().forEach(function (other) { if (other !== el && !other.contains(el)) { other.open = false; } });
  }, true);
  document.addEventListener("keydown", function (event) {
    var menus = openMenus();
    if (event.key === "Escape" && menus.length) {
      var last = menus[menus.length - 1];
      last.open = false;
      var summary = last.querySelector("summary");
      if (summary) { summary.focus(); }
      return;
    }
    var summaryEl = event.target.closest ? event.target.closest(".site-header details.dropdown > summary") : null;
    var inMenu = event.target.closest ? event.target.closest(".site-header details.dropdown[open] > ul") : null;
    if (summaryEl && event.key === "ArrowDown") {
      event.preventDefault();
      summaryEl.parentNode.open = true;
      var first = summaryEl.parentNode.querySelector("ul a, ul button");
      if (first) { first.focus(); }
    } else if (inMenu && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      var items = Array.prototype.slice.call(inMenu.querySelectorAll("a, button"));
      var at = items.indexOf(document.activeElement);
      var next = event.key === "ArrowDown" ? Math.min(at + 1, items.length - 1) : at - 1;
      if (next < 0) { inMenu.parentNode.querySelector("summary").focus(); } else { items[next].focus(); }
    }
  });
  // Leaving a menu by Tab closes it, so a keyboard user never leaves menus open behind them.
  document.addEventListener("focusin", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target) && !menu.classList.contains("nav-drawer")) { menu.open = false; }
    });
  });
  // Search everywhere: Ctrl-K (or Cmd-K) focuses the search box; on a phone it opens the menu.
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) {
      var wide = document.querySelector("[data-search-box]");
      if (wide && wide.offsetParent !== null) {
        event.preventDefault();
        wide.focus();
        wide.select();
        return;
      }
      var drawer = document.querySelector(".nav-drawer");
      var narrow = document.querySelector("[data-search-box-narrow]");
      if (drawer && narrow) {
        event.preventDefault();
        drawer.open = true;
        narrow.focus();
      }
    }
  });
  // Figures right-aligned in every table: a cell holding only a number (with its unit, a
  // percentage, a ratio "3 / 5", an interval) gets the class num, and so does its column head
  // when every cell of the column is numeric.
  var NUMERIC = /^[-+−±]?[\d,.\s]+(%|‰|\s*\/\s*[\d,.]+|\s*[–-]\s*[\d,.]+%?)?$/;
  function markNumbers(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("main table"), function (table) {
      var columns = {};
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var text = cell.textContent.trim();
          if (!text || text === "—") { return; }
          var numeric = NUMERIC.test(text);
          if (numeric) { cell.classList.add("num"); }
          columns[index] = (columns[index] === undefined ? true : columns[index]) && numeric;
        });
      });
      var head = table.querySelector("thead tr");
      if (!head) { return; }
      Array.prototype.forEach.call(head.children, function (th, index) {
        if (columns[index]) { th.classList.add("num"); }
      });
    });
  }
  // A table that scrolls sideways (every wide table on a phone) must be reachable by keyboard
  // to be scrolled: when it overflows and holds nothing focusable it joins the Tab order.
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  function focusableScrollers(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("main table, main .table-wrap"), function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      if (scrolls && !el.hasAttribute("tabindex") && !el.querySelector(FOCUSABLE)) {
        el.setAttribute("tabindex", "0");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { markNumbers(document); focusableScrollers(document); });
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.target.closest("main") || document;
    markNumbers(root);
    focusableScrollers(root);
  });
  window.addEventListener("resize", function () { focusableScrollers(document); });
})();
