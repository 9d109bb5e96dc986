// Fabrique — search page enhancements. The page works without this file:
// it only fills the <datalist> of the search and place fields as the user
// types, and links the map with its table on hover and focus.
(function () {
  'use strict';

  var MIN_CHARS = 2;
  var DELAY_MS = 150;

  function wireSuggest(input) {
    var list = document.getElementById(input.getAttribute('list'));
    var endpoint = input.getAttribute('data-suggest');
    if (!list || !endpoint || !window.fetch) {
      return;
    }
    var timer = 0;
    var last = '';
    var controller = null;

    function fill(items) {
      var options = items.map(function (item) {
        var o = document.createElement('option');
        o.value = item.value;
        if (item.text && item.text !== item.value) {
          o.label = item.text;
        }
        return o;
      });
      list.replaceChildren.apply(list, options);
    }

    function toItems(body) {
      if (body.suggestions) {
        return body.suggestions.map(function (s) {
          var where = s.commune ? s.commune + (s.departement ? ' (' + s.departement + ')' : '') : '';
          return { value: s.name, text: where ? s.name + ' — ' + where : s.name };
        });
      }
      if (body.communes) {
        return body.communes.map(function (c) {
          return { value: c.label, text: c.postcode ? c.label + ' — ' + c.postcode : c.label };
        });
      }
      return [];
    }

    function lookup() {
      var v = input.value.trim();
      if (v.length < MIN_CHARS || v === last) {
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
        if (body) {
          fill(toItems(body));
        }
      }).catch(function () { /* offline or aborted: the field still works */ });
    }

    input.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DELAY_MS);
    });
  }

  // Hovering a département (or focusing its row) highlights both the shape
  // and its row of the table.
  function wireMap() {
    var shapes = document.querySelectorAll('.map-section path[data-dep]');
    var rows = document.querySelectorAll('.map-table tr[data-dep]');
    if (!shapes.length) {
      return;
    }
    function mark(code, on) {
      shapes.forEach(function (p) {
        if (p.getAttribute('data-dep') === code) { p.classList.toggle('hover', on); }
      });
      rows.forEach(function (r) {
        if (r.getAttribute('data-dep') === code) { r.classList.toggle('hover', on); }
      });
    }
    function bind(el) {
      var code = el.getAttribute('data-dep');
      el.addEventListener('mouseenter', function () { mark(code, true); });
      el.addEventListener('mouseleave', function () { mark(code, false); });
    }
    shapes.forEach(bind);
    rows.forEach(bind);
  }

  document.querySelectorAll('input[data-suggest][list]').forEach(wireSuggest);
  wireMap();
}());
