// Renders the API description with Swagger UI. A file of our own, not an inline script: the
// Content-Security-Policy allows scripts from this origin only.
(function () {
  'use strict';

  function start() {
    var element = document.getElementById('swagger-ui');
    if (!element || !window.SwaggerUIBundle) {
      return;
    }
    var csrf = document.querySelector('meta[name="csrf-token"]');
    window.SwaggerUIBundle({
      url: element.getAttribute('data-spec'),
      dom_id: '#swagger-ui',
      deepLinking: false,
      // No calls to the public validator: the page talks to this server only.
      validatorUrl: null,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: 'BaseLayout',
      // "Try it out" runs with the session cookie; state-changing calls need the CSRF header too.
      requestInterceptor: function (request) {
        if (csrf) {
          request.headers['X-CSRF-Token'] = csrf.getAttribute('content');
        }
        return request;
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
