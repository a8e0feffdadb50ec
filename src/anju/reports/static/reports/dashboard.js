/* Dashboard charts (ECharts): data comes from json_script blocks; tooltips are drawn on the
   canvas (renderMode richText), so nothing needs an inline style (Content-Security-Policy). */
(function () {
  "use strict";

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function base(days) {
    return {
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { type: "scroll", top: 0 },
      grid: { top: 40, left: 48, right: 24, bottom: 28 },
      xAxis: { type: "category", data: days, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 }
    };
  }

  function line(name, values) {
    return { name: name, type: "line", data: values, showSymbol: true, connectNulls: true };
  }

  function draw(box, option) {
    var chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    box.dataset.ready = "1";
    return chart;
  }

  function progress() {
    var d = data("progress-data");
    var box = document.getElementById("chart-progress");
    if (!d || !box || !d.days.length) { return; }
    var option = base(d.days);
    option.series = d.series.map(function (s) { return line(s.name, s.data); });
    draw(box, option);
  }

  function children() {
    var d = data("children-progress-data");
    var box = document.getElementById("chart-children");
    var pick = document.getElementById("child-figure");
    if (!d || !box || !d.days.length) { return; }
    function series(key) {
      return d.children.map(function (c) { return line(c.name, c.values[key]); });
    }
    var option = base(d.days);
    option.series = series(pick ? pick.value : d.initial);
    var chart = draw(box, option);
    if (pick) {
      pick.addEventListener("change", function () {
        chart.setOption({ series: series(pick.value) }, { replaceMerge: ["series"] });
      });
    }
  }

  if (!window.echarts) { return; }
  progress();
  children();
})();
