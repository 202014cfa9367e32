// Charts: Apache ECharts' core with only the bar chart and the components it needs (a smaller bundle).
import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { GridComponent, TooltipComponent, AriaComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, TooltipComponent, AriaComponent, CanvasRenderer]);

// A bar chart: categories (labels already translated), values, one colour per bar; label for screen readers.
export function barChart(container, { categories, values, colours, label, max, format = (v) => v }) {
  container.setAttribute("role", "img");
  container.setAttribute("aria-label", label);
  const chart = echarts.init(container, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    aria: { enabled: true, label: { description: label } },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", valueFormatter: format },
    xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", max, axisLabel: { formatter: format } },
    series: [
      {
        type: "bar",
        data: values.map((value, i) => ({ value, itemStyle: { color: colours ? colours[i] : "#4a6785" } })),
        label: { show: true, position: "top", formatter: (p) => format(p.value) },
      },
    ],
  });
  new ResizeObserver(() => chart.resize()).observe(container);
  return chart;
}
