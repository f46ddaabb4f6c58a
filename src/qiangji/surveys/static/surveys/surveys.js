// Surveys results: one ECharts chart per question (data from json_script, no inline script).
(function () {
  "use strict";
  function percent(v) { return v == null ? "—" : (v * 100).toFixed(1) + "%"; }
  function draw() {
    document.querySelectorAll("[data-print]").forEach(function (a) {
      a.addEventListener("click", function (e) { e.preventDefault(); window.print(); });
    });
    if (!window.echarts) { return; }
    var source = document.getElementById("survey-chart-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var byId = {};
    data.questions.forEach(function (q) { byId[String(q.id)] = q; });
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      var option = null;
      if (kind === "distribution") {
        var q = byId[el.getAttribute("data-question")];
        if (!q) { return; }
        option = {
          animation: false, tooltip: { trigger: "axis" },
          grid: { left: 40, right: 16, top: 16, bottom: 40 },
          xAxis: { type: "category", data: q.labels, axisLabel: { interval: 0, width: 80, overflow: "break" } },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ type: "bar", data: q.counts, itemStyle: { color: "#c62828" } }]
        };
      } else if (kind === "communities") {
        var qc = byId[el.getAttribute("data-question")];
        if (!qc || !qc.communities || !qc.communities.length) { el.remove(); return; }
        var rows = qc.communities.slice().sort(function (a, b) { return a[1] - b[1]; });
        option = {
          animation: false,
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (p) {
            var r = rows[p[0].dataIndex];
            return r[0] + "<br>" + percent(r[1]) + " [" + percent(r[2]) + "–" + percent(r[3]) + "] n=" + r[4];
          } },
          grid: { left: 110, right: 24, top: 8, bottom: 28 },
          xAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } },
          yAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
          series: [
            { type: "bar", stack: "ci", silent: true, itemStyle: { color: "transparent" }, data: rows.map(function (r) { return r[2]; }) },
            { type: "bar", stack: "ci", name: "95% CI", itemStyle: { color: "#f3c1bd" }, data: rows.map(function (r) { return r[3] - r[2]; }) },
            { type: "scatter", name: "share", symbolSize: 10, itemStyle: { color: "#c62828" }, data: rows.map(function (r) { return r[1]; }) }
          ]
        };
      } else if (kind === "trend") {
        var t = data.trend;
        option = {
          animation: false, tooltip: { trigger: "axis" },
          grid: { left: 48, right: 16, top: 16, bottom: 32 },
          xAxis: { type: "category", data: t.map(function (r) { return r[0]; }) },
          yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } },
          series: [
            { type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 }, data: t.map(function (r) { return r[2]; }) },
            { type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: "#f3c1bd" }, data: t.map(function (r) { return r[3] == null ? null : r[3] - r[2]; }) },
            { type: "line", name: "share", itemStyle: { color: "#c62828" }, data: t.map(function (r) { return r[1]; }) }
          ]
        };
      }
      if (!option) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-ready", "1");
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
