// insights: radar and trend charts (ECharts; data from json_script, no inline script) and rank bars.
(function () {
  "use strict";
  var RED = "#8f1d17", GREY = "#6b7280", PALETTE = ["#8f1d17", "#1d4ed8", "#047857", "#b45309", "#7c3aed", "#be185d"];
  function data(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }
  function radar(el, d) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var colour = 0;
    var series = d.series.map(function (s) {
      var c = s.median ? GREY : PALETTE[colour++ % PALETTE.length];
      return {
        name: s.name,
        // A missing trait (数据不足) is drawn at the centre and named in the tooltip.
        value: s.values.map(function (v) { return v === null ? 0 : v; }),
        missing: s.values.map(function (v) { return v === null; }),
        lineStyle: { color: c, type: s.median ? "dashed" : "solid", width: s.median ? 2 : 3 },
        itemStyle: { color: c },
        areaStyle: s.median ? null : { color: c, opacity: 0.12 }
      };
    });
    chart.setOption({
      animation: false,
      legend: { top: 0, data: d.series.map(function (s) { return s.name; }) },
      tooltip: {
        formatter: function (p) {
          var s = series[p.dataIndex] || series[p.seriesIndex] || {};
          return p.name + "<br>" + d.axes.map(function (a, i) {
            return a + "：" + (s.missing && s.missing[i] ? "数据不足" : Math.round(p.value[i]));
          }).join("<br>");
        }
      },
      radar: { indicator: d.axes.map(function (a) { return { name: a, max: 100 }; }), radius: "68%", center: ["50%", "50%"], axisName: { fontSize: 14, color: "#374151" } },
      series: [{ type: "radar", data: series }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-values", JSON.stringify(d.series.map(function (s) { return [s.name, s.values]; })));
    el.setAttribute("data-ready", "1");
  }
  function trend(el, d) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 48, bottom: 32 },
      xAxis: { type: "category", data: d.periods },
      yAxis: { type: "value", min: 0, max: 100 },
      series: d.series.map(function (s) { return { name: s.name, type: "line", connectNulls: false, data: s.values }; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-ready", "1");
  }
  function drawCharts() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var d = data(el);
      if (!d) { return; }
      if (el.getAttribute("data-chart") === "radar") { radar(el, d); } else { trend(el, d); }
    });
  }
  function drawBars() {
    document.querySelectorAll(".rank-bar span[data-left]").forEach(function (span) {
      span.style.left = span.getAttribute("data-left") + "%";
      span.style.width = span.getAttribute("data-width") + "%";
    });
  }
  function ready() { drawCharts(); drawBars(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
