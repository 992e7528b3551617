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
  // What JSON cannot carry: functions for labelled ticks at given values and for legend filters.
  function withFunctions(options) {
    var x = options.scales && options.scales.x;
    if (x && x.sbTicks) {
      var ticks = x.sbTicks;
      x.afterBuildTicks = function (scale) { scale.ticks = ticks.map(function (t) { return { value: t.value }; }); };
      x.ticks = Object.assign({}, x.ticks, {
        autoSkip: false,
        callback: function (value) {
          for (var i = 0; i < ticks.length; i++) if (Math.abs(ticks[i].value - value) < 1e-9) return ticks[i].label;
          return '';
        }
      });
    }
    var legend = options.plugins && options.plugins.legend;
    if (legend && legend.display !== false) {
      var once = options.sbLegendOncePerLabel;
      legend.labels = Object.assign({}, legend.labels, {
        filter: function (item, data) {
          var ds = data.datasets[item.datasetIndex];
          if (ds && ds.sbHideInLegend) return false;
          if (!once) return true;
          for (var i = 0; i < item.datasetIndex; i++) if (data.datasets[i].label === ds.label) return false;
          return true;
        }
      });
    }
    return options;
  }
  var rendered = 0;
  specs.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    new Chart(canvas, { type: spec.config.type, data: spec.config.data, options: withFunctions(spec.config.options), plugins: [errorBars] });
    rendered += 1;
  });
  document.documentElement.setAttribute('data-charts-rendered', String(rendered));
})();
`;
