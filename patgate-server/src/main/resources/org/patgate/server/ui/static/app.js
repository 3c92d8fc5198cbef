// PATgate web UI: the little JavaScript the pages need. Loaded from our origin only (CSP
// script-src 'self'); pages work without it, it adds copy buttons, the CSRF header for htmx
// and the activity chart.
(function () {
  'use strict';

  var csrf = document.querySelector('meta[name="csrf-token"]');

  // htmx sends the session's CSRF token as a header on every request it makes.
  document.addEventListener('htmx:configRequest', function (event) {
    if (csrf) {
      event.detail.headers['X-CSRF-Token'] = csrf.getAttribute('content');
    }
  });

  // htmx leaves error answers unswapped; the node's "database unreachable" answer is a small alert
  // meant for the page's banner (#ui-alert), so it is shown there instead of nothing happening.
  document.addEventListener('htmx:beforeSwap', function (event) {
    var banner = document.getElementById('ui-alert');
    if (event.detail.xhr.status === 503 && banner && event.detail.xhr.getResponseHeader('HX-Retarget') === '#ui-alert') {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      event.detail.target = banner;
    }
  });
  // The next answer that succeeds means the database is back: the alert goes.
  document.addEventListener('htmx:afterRequest', function (event) {
    var away = document.getElementById('database-away');
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (away && status >= 200 && status < 300) {
      away.remove();
    }
  });

  function announce(message) {
    var status = document.getElementById('copy-status');
    if (status) {
      status.textContent = message;
    }
  }

  // Copy buttons: data-copy names the element whose value or text is copied.
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy]');
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) {
      return;
    }
    var text = 'value' in source ? source.value : source.textContent;
    function fallback() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (source.select) {
        source.select();
      }
      var copied = document.execCommand && document.execCommand('copy');
      announce(copied ? 'Copied.' : 'Selected: press Ctrl+C (⌘C) to copy.');
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { announce('Copied.'); }, fallback);
    } else {
      fallback();
    }
    button.classList.add('copied');
  });

  // The requests-per-hour chart: data from the page's JSON endpoint, drawn with uPlot.
  function drawChart(element) {
    var summary = document.getElementById('chart-summary');
    fetch(element.getAttribute('data-chart-src'), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (summary) {
          summary.textContent = data.total + (data.total === 1 ? ' request' : ' requests') + ' in the last 48 hours.';
        }
        element.setAttribute('data-total', String(data.total));
        if (!window.uPlot) {
          return;
        }
        var options = {
          width: Math.max(280, element.clientWidth),
          height: 200,
          legend: { show: false },
          // The page says UTC; draw the hours in UTC whatever the browser's time zone.
          tzDate: function (ts) { return window.uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(4, max)]; } } },
          axes: [{ stroke: '#475569', grid: { stroke: '#e2e8f0' } },
                 { stroke: '#475569', grid: { stroke: '#e2e8f0' }, size: 40 }],
          series: [{}, {
            label: 'Requests',
            stroke: '#1d4ed8',
            fill: 'rgba(29, 78, 216, 0.25)',
            width: 1,
            paths: window.uPlot.paths && window.uPlot.paths.bars ? window.uPlot.paths.bars({ size: [0.7, 24] }) : undefined,
            points: { show: false }
          }]
        };
        var plot = new window.uPlot(options, [data.hours, data.counts], element);
        window.addEventListener('resize', function () {
          plot.setSize({ width: Math.max(280, element.clientWidth), height: 200 });
        });
      })
      .catch(function (error) {
        if (summary) {
          summary.textContent = 'The chart could not be loaded (' + error.message + ').';
        }
      });
  }

  document.querySelectorAll('[data-chart-src]').forEach(drawChart);
}());
