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

  function latest(values) {
    for (var i = values.length - 1; i >= 0; i--) {
      if (values[i] !== null && values[i] !== undefined) { return values[i]; }
    }
    return null;
  }

  /* One day's figures, or a comparison of divisions: sorted horizontal bars in one colour,
     each value printed at its bar, so equal values never hide each other. */
  function bars(box, names, values) {
    var pairs = names.map(function (n, i) { return [n, values[i] === null ? 0 : values[i]]; });
    pairs.sort(function (a, b) { return a[1] - b[1]; }); // the largest on top
    box.style.height = Math.max(160, pairs.length * 26 + 48) + "px";
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      grid: { top: 8, left: 8, right: 48, bottom: 24, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: pairs.map(function (p) { return p[0]; }),
               axisLabel: { interval: 0 } },
      series: [{ type: "bar", data: pairs.map(function (p) { return p[1]; }),
                 itemStyle: { color: "#1b5e8c" }, barMaxWidth: 18,
                 label: { show: true, position: "right", color: "#1f2933" } }]
    };
  }

  function progress() {
    var d = data("progress-data");
    var box = document.getElementById("chart-progress");
    if (!d || !box || !d.days.length) { return; }
    if (d.days.length < 2) { // a single day is no line: its figures side by side
      box.dataset.kind = "bars";
      draw(box, bars(box, d.series.map(function (s) { return s.name; }),
                     d.series.map(function (s) { return latest(s.data); })));
      return;
    }
    box.dataset.kind = "lines";
    var option = base(d.days);
    option.series = d.series.map(function (s) { return line(s.name, s.data); });
    draw(box, option);
  }

  function children() {
    var d = data("children-progress-data");
    var box = document.getElementById("chart-children");
    var pick = document.getElementById("child-figure");
    if (!d || !box || !d.days.length) { return; }
    function option(key) {
      return bars(box, d.children.map(function (c) { return c.name; }),
                  d.children.map(function (c) { return latest(c.values[key]); }));
    }
    box.dataset.kind = "bars";
    var chart = draw(box, option(pick ? pick.value : d.initial));
    if (pick) {
      pick.addEventListener("change", function () {
        chart.setOption(option(pick.value), { notMerge: true });
        chart.resize();
      });
    }
  }

  if (!window.echarts) { return; }
  progress();
  children();
})();
