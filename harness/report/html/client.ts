/**
 * The script that draws the charts in the browser, inline in the page. It reads the chart specs
 * from a JSON script element, adds an error-bar plugin (Chart.js has none built in) and marks
 * `<html data-charts-rendered>` when done so that tests and screenshots know when to look.
 */
export const CLIENT_SCRIPT = `
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('chart-specs').textContent);
  var errorBars = {
    id: 'errorBars',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.errorBars) return;
        var meta = chart.getDatasetMeta(i);
        if (meta.hidden) return;
        var scale = chart.scales[meta.yAxisID];
        ctx.save();
        ctx.strokeStyle = ds.errorBarColor || '#111827';
        ctx.lineWidth = 1.6;
        meta.data.forEach(function (el, j) {
          var bar = ds.errorBars[j];
          if (!bar || bar.low == null || bar.high == null) return;
          var top = scale.getPixelForValue(bar.high);
          var bottom = scale.getPixelForValue(bar.low);
          var x = el.x;
          ctx.beginPath();
          ctx.moveTo(x, top); ctx.lineTo(x, bottom);
          ctx.moveTo(x - 7, top); ctx.lineTo(x + 7, top);
          ctx.moveTo(x - 7, bottom); ctx.lineTo(x + 7, bottom);
          ctx.stroke();
        });
        ctx.restore();
      });
    }
  };
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.color = '#1f2937';
  Chart.defaults.animation = false;
  var rendered = 0;
  specs.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    new Chart(canvas, { type: spec.config.type, data: spec.config.data, options: spec.config.options, plugins: [errorBars] });
    rendered += 1;
  });
  document.documentElement.setAttribute('data-charts-rendered', String(rendered));
})();
`;
