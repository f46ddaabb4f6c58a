// Brainstorm board: keep what a person is doing when the polled cards are swapped in.
// - a poll never replaces the cards while the person types a comment in them (the next poll
//   after they finish brings the update);
// - cards whose tools (<details>) were open stay open after a swap.
(function () {
  "use strict";
  var openTools = [];
  function board(evt) {
    var target = evt.detail && evt.detail.target;
    return target && target.id === "board-cards" ? target : null;
  }
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = board(evt);
    if (!target) { return; }
    var config = evt.detail.requestConfig || {};
    var active = document.activeElement;
    var typing = active && target.contains(active) &&
      (active.tagName === "INPUT" || active.tagName === "TEXTAREA") && active.value;
    if (String(config.verb).toLowerCase() === "get" && typing) {
      evt.detail.shouldSwap = false;
      return;
    }
    openTools = Array.prototype.map.call(target.querySelectorAll("details[open][id]"), function (el) { return el.id; });
  });
  document.addEventListener("htmx:afterSettle", function (evt) {
    if (!openTools.length) { return; }
    openTools.forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.open = true; }
    });
    openTools = [];
  });
})();
