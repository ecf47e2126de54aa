// dcis analysis charts: draws each [data-chart] element with Apache ECharts
// (vendored, /assets/echarts.min.js) from the JSON beside it. Hidden
// figures (fewer cases than the policy shows) are gaps, labelled "<3" in
// the tooltip; the seasonal baseline is a dashed line. PNG and SVG
// downloads are made in the browser; the CSV comes from the server.
"use strict";
(function () {
  if (typeof echarts === "undefined") return;
  // ECharts' default palette, so that a series and its baseline share a colour.
  var palette = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"];
  function option(d) {
    var series = [];
    var owner = []; // chart series index -> [data series index, is baseline]
    d.series.forEach(function (s, i) {
      var colour = palette[i % palette.length];
      owner.push([i, false]);
      series.push({ name: s.name, type: "line", data: s.values, connectNulls: false, showSymbol: true, color: colour });
      if (s.baseline.some(function (b) { return b !== null; })) {
        owner.push([i, true]);
        series.push({
          name: s.name + " · " + d.baselineName, type: "line", data: s.baseline, color: colour,
          lineStyle: { type: "dashed", width: 1 }, showSymbol: false
        });
      }
    });
    return {
      animation: false,
      tooltip: {
        trigger: "axis",
        formatter: function (ps) {
          var lines = [ps.length ? ps[0].axisValue : ""];
          ps.forEach(function (p) {
            var o = owner[p.seriesIndex] || [0, true];
            var s = d.series[o[0]];
            var v = p.value;
            if (v === null || v === undefined) {
              v = !o[1] && s && s.hidden[p.dataIndex] ? d.hiddenText : "—";
            }
            lines.push(p.marker + p.seriesName + ": " + v);
          });
          return lines.join("<br>");
        }
      },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 60, right: 20, top: 20, bottom: 60 },
      xAxis: { type: "category", data: d.labels },
      yAxis: { type: "value" },
      series: series
    };
  }
  function download(name, href) {
    var a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  var charts = {};
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var src = document.getElementById(el.getAttribute("data-chart"));
    if (!src) return;
    var d = JSON.parse(src.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(d));
    charts[el.id] = { chart: chart, data: d, el: el };
    window.addEventListener("resize", function () { chart.resize(); });
  });
  document.addEventListener("click", function (ev) {
    var b = ev.target instanceof Element && ev.target.closest("[data-chart-save]");
    if (!b) return;
    var c = charts[b.getAttribute("data-chart-save")];
    if (!c) return;
    if (b.getAttribute("data-type") === "svg") {
      var svg = echarts.init(null, null, { renderer: "svg", ssr: true, width: c.el.clientWidth || 800, height: c.el.clientHeight || 400 });
      svg.setOption(option(c.data));
      var text = svg.renderToSVGString();
      svg.dispose();
      download(c.el.id + ".svg", URL.createObjectURL(new Blob([text], { type: "image/svg+xml" })));
    } else {
      download(c.el.id + ".png", c.chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" }));
    }
  });
  document.body.setAttribute("data-charts-ready", String(Object.keys(charts).length));
})();
