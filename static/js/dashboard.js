// Draws the dashboard's charts from the JSON the page embeds (no request leaves the app).
(function () {
  const el = document.getElementById("towns-chart");
  const data = JSON.parse(document.getElementById("towns-data").textContent || "null");
  if (!el || !data || !window.echarts) return;
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.villages, data.labels.grids] },
    grid: { left: 40, right: 20, bottom: 80 },
    xAxis: { type: "category", data: data.towns, axisLabel: { rotate: 40 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: data.labels.villages, type: "bar", data: data.villages },
      { name: data.labels.grids, type: "bar", data: data.grids },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
