// Draws the dashboard's charts from the JSON the page embeds (no request leaves the app).
// Clicking a bar, a slice or a point opens the case list those cases come from.
(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const charts = [];

  function drill(params) {
    const query = new URLSearchParams(params || {}).toString();
    window.location.href = data.drill + (query ? "&" + query : "");
  }

  function draw(id, option, onClick) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el);
    chart.setOption(Object.assign({ animation: false }, option));
    if (onClick) chart.on("click", onClick);
    el.dataset.ready = "1";
    charts.push(chart);
  }

  function empty(items) {
    return !items || items.length === 0;
  }

  const t = data.trend;
  draw(
    "chart-trend",
    {
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [data.labels.total, data.labels.closed, data.labels.resolved] },
      grid: { left: 50, right: 20, top: 50, bottom: 30 },
      xAxis: { type: "category", data: t.labels },
      yAxis: { type: "value", minInterval: 1, name: data.labels.cases },
      series: [
        { name: data.labels.total, type: "line", data: t.total, showSymbol: t.total.length < 40 },
        { name: data.labels.closed, type: "line", data: t.closed, showSymbol: t.total.length < 40 },
        { name: data.labels.resolved, type: "line", data: t.resolved, showSymbol: t.total.length < 40 },
      ],
    },
    null
  );
  // A click anywhere in the trend's plot opens the cases of that day, week or month.
  const trendChart = charts[charts.length - 1];
  if (trendChart) {
    trendChart.getZr().on("click", (e) => {
      const point = [e.offsetX, e.offsetY];
      if (!trendChart.containPixel("grid", point)) return;
      const index = Math.round(trendChart.convertFromPixel({ seriesIndex: 0 }, point)[0]);
      if (t.buckets[index]) drill(t.buckets[index]);
    });
  }

  function bars(id, items, horizontal) {
    if (empty(items)) return;
    const names = items.map((i) => i.name);
    const values = items.map((i) => i.value);
    const category = { type: "category", data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 35 } };
    const value = { type: "value", minInterval: 1 };
    draw(
      id,
      {
        tooltip: { trigger: "axis" },
        grid: { left: horizontal ? 110 : 50, right: 20, top: 20, bottom: horizontal ? 30 : 80 },
        xAxis: horizontal ? value : category,
        yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
        series: [{ name: data.labels.cases, type: "bar", data: values, label: { show: true, position: horizontal ? "right" : "top" } }],
      },
      (e) => drill(items[e.dataIndex].params)
    );
  }

  function pie(id, items) {
    if (empty(items)) return;
    draw(
      id,
      {
        tooltip: { trigger: "item", formatter: "{b}：{c} ({d}%)" },
        legend: { bottom: 0, type: "scroll" },
        series: [
          {
            type: "pie",
            radius: ["35%", "65%"],
            top: -20,
            data: items.map((i) => ({ name: i.name, value: i.value })),
            label: { formatter: "{b}\n{c}" },
          },
        ],
      },
      (e) => drill(items[e.dataIndex].params)
    );
  }

  bars("chart-town", data.town, false);
  bars("chart-category", data.category, true);
  bars("chart-state", data.state, true);
  pie("chart-window", data.window);
  pie("chart-channel", data.channel);
  if (!empty(data.county)) {
    bars("chart-county", data.county, false);
  }
  // Empty charts say so instead of leaving a blank box.
  document.querySelectorAll(".dash-chart").forEach((el) => {
    if (!el.dataset.ready) {
      el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted");
      el.textContent = data.labels.empty;
    }
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
