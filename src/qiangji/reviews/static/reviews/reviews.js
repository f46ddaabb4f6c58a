// reviews: the improvement chart (ECharts, data from json_script) and rank-interval bars.
(function () {
  "use strict";
  function drawCharts() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart=improvement]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-source"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var series = Object.keys(data.series).map(function (name) {
        return { name: name, type: "line", connectNulls: true, data: data.series[name] };
      });
      if (data.total) {
        series.push({ name: el.getAttribute("data-total-label") || "总分", type: "line", lineStyle: { width: 4 }, data: data.total });
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 48, bottom: 32 },
        xAxis: { type: "category", data: data.rounds.map(function (r) { return "v" + r; }) },
        yAxis: { type: "value", min: 0, max: 100 },
        series: series
      });
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-ready", "1");
    });
  }
  function drawBars() {
    document.querySelectorAll(".rank-bar span[data-left]").forEach(function (span) {
      span.style.left = span.getAttribute("data-left") + "%";
      span.style.width = span.getAttribute("data-width") + "%";
    });
  }
  // Selecting a passage of the reviewed version fills the suggestion form's quote and anchor.
  function quoteSelection() {
    var form = document.querySelector(".suggestion-form");
    var selection = window.getSelection ? window.getSelection() : null;
    if (!form || !selection || selection.isCollapsed) { return; }
    var node = selection.anchorNode && (selection.anchorNode.nodeType === 1 ? selection.anchorNode : selection.anchorNode.parentElement);
    var source = node && node.closest ? node.closest("[data-quote-field]") : null;
    if (!source || !source.contains(selection.focusNode)) { return; }
    var text = selection.toString().trim().slice(0, 500);
    if (!text) { return; }
    form.querySelector("[name=quote]").value = text;
    form.querySelector("[name=quote_field]").value = source.getAttribute("data-quote-field");
    var key = source.getAttribute("data-node-key");
    if (key) { form.querySelector("[name=node_key]").value = key; }
  }
  document.addEventListener("mouseup", quoteSelection);
  document.addEventListener("touchend", quoteSelection);
  function ready() { drawCharts(); drawBars(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();

// On a desktop the plan version stands beside the scoring form, so it opens unfolded.
(function () {
  "use strict";
  function unfold() {
    if (!window.matchMedia("(min-width: 1024px)").matches) { return; }
    var details = document.querySelector(".review-layout > .version-text > details");
    if (details) { details.open = true; }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", unfold); } else { unfold(); }
})();
