// Stage mode: a button that puts the page in full screen for the projector (CSP: no inline script).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-fullscreen]") : null;
    if (!el) { return; }
    event.preventDefault();
    var root = document.documentElement;
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (root.requestFullscreen) {
      root.requestFullscreen();
    }
  });
})();
