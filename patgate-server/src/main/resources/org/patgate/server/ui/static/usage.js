// The "Top consumers" chart: requests over time of the top consumers, fetched from the page's
// series endpoint and drawn with uPlot. Loaded as a file (the CSP forbids inline script).
(function () {
  'use strict';

  var COLOURS = ['#1d4ed8', '#b91c1c', '#047857', '#a16207', '#7c3aed'];

  function draw(element) {
    var summary = document.getElementById('usage-chart-summary');
    fetch(element.getAttribute('data-usage-chart-src'), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var steps = data.steps.map(function (step) { return Date.parse(step) / 1000; });
        if (summary) {
          summary.textContent = data.series.length === 0
            ? 'No requests counted in this window.'
            : data.series.map(function (s) {
                return s.label + ': ' + s.requests.reduce(function (a, b) { return a + b; }, 0);
              }).join(' · ');
        }
        element.setAttribute('data-series', String(data.series.length));
        if (!window.uPlot || data.series.length === 0) {
          return;
        }
        var series = [{}];
        var values = [steps];
        data.series.forEach(function (s, i) {
          series.push({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: false } });
          values.push(s.requests);
        });
        var options = {
          width: Math.max(280, element.clientWidth),
          height: 240,
          tzDate: function (ts) { return window.uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(4, max)]; } } },
          axes: [{ stroke: '#475569', grid: { stroke: '#e2e8f0' } },
                 { stroke: '#475569', grid: { stroke: '#e2e8f0' }, size: 48 }],
          series: series
        };
        new window.uPlot(options, values, element);
        element.setAttribute('data-drawn', 'true');
      })
      .catch(function (error) {
        if (summary) {
          summary.textContent = 'The chart could not be loaded (' + error.message + ').';
        }
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-usage-chart-src]').forEach(draw);
  });
})();
