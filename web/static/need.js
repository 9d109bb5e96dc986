// Fabrique — « Nouveau besoin » enhancement. The form works without this
// file: the CPV fields then offer the 45 CPV divisions, and words typed in
// them are answered with matching codes when the form is sent. With it, the
// list of each CPV field follows what is typed (GET /api/v1/cpv?q=).
(function () {
  'use strict';

  var MIN_CHARS = 2;
  var DELAY_MS = 150;

  function wire(input) {
    var endpoint = input.getAttribute('data-cpv-suggest');
    if (!endpoint || !window.fetch) {
      return;
    }
    var timer = 0;
    var last = '';
    var controller = null;

    function fill(list, codes) {
      var options = codes.map(function (c) {
        var o = document.createElement('option');
        o.value = c.value;
        if (c.via) {
          o.label = c.value + ' (' + c.via.text + ')';
        }
        return o;
      });
      list.replaceChildren.apply(list, options);
    }

    function lookup() {
      var v = input.value.trim();
      var list = input.list;
      if (!list || v.length < MIN_CHARS || v === last) {
        return;
      }
      // A code picked from the list is complete: nothing to look up.
      if (/^\d{8} — /.test(v)) {
        return;
      }
      last = v;
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      fetch(endpoint + encodeURIComponent(v), {
        headers: { Accept: 'application/json' },
        signal: controller ? controller.signal : undefined
      }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (body) {
        if (body && body.codes) {
          fill(list, body.codes);
        }
      }).catch(function () { /* offline or aborted: the field still works */ });
    }

    input.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DELAY_MS);
    });
    // Words typed while this file was still loading fired no event here.
    if (input.value.trim()) {
      lookup();
    }
  }

  document.querySelectorAll('input[data-cpv-suggest]').forEach(wire);
}());
