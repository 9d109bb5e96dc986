// Fabrique — search page enhancements. The page works without this file.
// It turns the search and place fields into accessible comboboxes (GOV.UK's
// accessible-autocomplete, vendored in static/vendor, fetched when a field
// is first focused) fed by the suggestion APIs, and links the map with its
// table on hover and focus.
(function () {
  'use strict';

  var MIN_CHARS = 2;
  var DELAY_MS = 150;

  // Every text the widget shows or announces, in French.
  var FRENCH = {
    tNoResults: function () { return 'Aucune suggestion'; },
    tStatusQueryTooShort: function (n) {
      return 'Saisissez au moins ' + n + ' caractères pour obtenir des suggestions.';
    },
    tStatusNoResults: function () { return 'Aucune suggestion.'; },
    tStatusSelectedOption: function (option, length, index) {
      return option + ', suggestion ' + (index + 1) + ' sur ' + length + ', sélectionnée.';
    },
    tStatusResults: function (length, selected) {
      var n = length === 1 ? '1 suggestion disponible.' : length + ' suggestions disponibles.';
      return selected ? n + ' ' + selected : n;
    },
    tAssistiveHint: function () {
      return 'Des suggestions apparaissent à partir de ' + MIN_CHARS + ' caractères : ' +
        'parcourez-les avec les flèches haut et bas et choisissez avec Entrée, ' +
        'ou validez directement votre saisie. Sur écran tactile, explorez au toucher ou par balayage.';
    }
  };

  // The suggestion template's result goes through innerHTML: every field,
  // which came from the web, is escaped here.
  var ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }

  // toItems turns an answer of /api/v1/suggest or /api/v1/communes into
  // {value, where}: value goes into the field, where only into the list.
  function toItems(body) {
    if (body && body.suggestions) {
      return body.suggestions.map(function (s) {
        var where = s.commune ? s.commune + (s.departement ? ' (' + s.departement + ')' : '') : '';
        return { value: s.name, where: where };
      });
    }
    if (body && body.communes) {
      return body.communes.map(function (c) {
        return { value: c.label, where: c.postcode || '' };
      });
    }
    return [];
  }

  // inputValue is what a chosen suggestion puts in the field.
  function inputValue(item) {
    if (item === undefined || item === null) {
      return '';
    }
    return typeof item === 'string' ? item : item.value;
  }

  function suggestionHTML(item) {
    if (typeof item === 'string') {
      return escapeHTML(item);
    }
    var html = '<span class="suggest-value">' + escapeHTML(item.value) + '</span>';
    if (item.where) {
      html += ' <span class="suggest-where">— ' + escapeHTML(item.where) + '</span>';
    }
    return html;
  }

  // suggestSource fetches suggestions for the library: debounced, the
  // previous request aborted, answers for an outdated text dropped.
  function suggestSource(endpoint, field) {
    var timer = 0;
    var controller = null;
    return function (query, populate) {
      window.clearTimeout(timer);
      if (controller) {
        controller.abort();
        controller = null;
      }
      var input = field();
      // No list for a field the user is not typing in (the value restored
      // when the page loads).
      if (!input || document.activeElement !== input || query.trim().length < MIN_CHARS) {
        populate([]);
        return;
      }
      timer = window.setTimeout(function () {
        var mine = window.AbortController ? new AbortController() : null;
        controller = mine;
        fetch(endpoint + encodeURIComponent(query.trim()), {
          headers: { Accept: 'application/json' },
          signal: mine ? mine.signal : undefined
        }).then(function (r) {
          return r.ok ? r.json() : null;
        }).then(function (body) {
          if (input.value === query) {
            populate(toItems(body));
          }
        }).catch(function () { /* offline or aborted: the field still works */ });
      }, DELAY_MS);
    };
  }

  // keepDescribedBy keeps the page's own hints in aria-describedby, which
  // the library rewrites with its assistive hint.
  function keepDescribedBy(input, own) {
    if (!own.length || !window.MutationObserver) {
      return;
    }
    function merge() {
      var ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      var missing = own.filter(function (id) { return ids.indexOf(id) < 0; });
      if (missing.length) {
        input.setAttribute('aria-describedby', own.concat(ids.filter(function (id) {
          return own.indexOf(id) < 0;
        })).join(' '));
      }
    }
    merge();
    new MutationObserver(merge).observe(input, { attributes: true, attributeFilter: ['aria-describedby'] });
  }

  // enhance replaces a plain input by the library's combobox with the same
  // id, name, value, hints and error state. Without the library, or
  // without fetch, the plain input stays.
  function enhance(original) {
    var endpoint = original.getAttribute('data-suggest');
    if (!endpoint || !window.fetch || typeof window.accessibleAutocomplete !== 'function') {
      return;
    }
    var id = original.id;
    var value = original.value;
    var hints = (original.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    var kept = ['aria-invalid', 'aria-errormessage'].filter(function (a) {
      return original.hasAttribute(a);
    });
    var field = function () { return document.getElementById(id); };

    // The page's empty <datalist> would only compete with the library's list.
    if (original.list) {
      original.list.remove();
    }

    var container = document.createElement('div');
    container.className = 'suggest-field';
    original.parentNode.replaceChild(container, original);

    var options = {
      element: container,
      id: id,
      name: original.name,
      defaultValue: '',
      minLength: MIN_CHARS,
      autoselect: false,
      confirmOnBlur: false,
      showNoOptionsFound: false,
      displayMenu: 'overlay',
      source: suggestSource(endpoint, field),
      templates: { inputValue: inputValue, suggestion: suggestionHTML }
    };
    Object.keys(FRENCH).forEach(function (k) { options[k] = FRENCH[k]; });
    window.accessibleAutocomplete(options);

    var input = field();
    if (!input) {
      return;
    }
    kept.forEach(function (a) { input.setAttribute(a, original.getAttribute(a)); });
    keepDescribedBy(input, hints);
    // The value goes in as if typed, not as defaultValue: the library would
    // offer a defaultValue back as a suggestion on focus.
    if (value) {
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    // The text stays free: Enter in the field submits what was typed even
    // while suggestions are shown (the library would swallow it). Enter on
    // a suggestion (focus on the option) still chooses it.
    container.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.isComposing && e.target === input) {
        e.stopPropagation();
      }
    }, true);
  }

  // Hovering a département (or focusing its row) highlights both the shape
  // and its row of the table.
  function wireMap() {
    var shapes = document.querySelectorAll('.map-section [data-dep]:is(path, use)');
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

  // The library (about 19 KB compressed, more than the rest of the page's
  // scripts and styles together) is fetched when a field is first focused,
  // not with the page: many visits read results and never type. The field
  // keeps its focus, caret and what was typed while the library loaded.
  function loadLibrary(src, then) {
    if (typeof window.accessibleAutocomplete === 'function') {
      then();
      return;
    }
    var s = document.querySelector('script[data-autocomplete]');
    if (!s) {
      s = document.createElement('script');
      s.src = src;
      s.setAttribute('data-autocomplete', '');
      document.head.appendChild(s);
    }
    s.addEventListener('load', then);
  }

  function enhanceAll() {
    var active = document.activeElement;
    var activeID = active && active.hasAttribute('data-suggest') ? active.id : '';
    var caret = activeID ? active.selectionStart : null;
    document.querySelectorAll('input[data-suggest]').forEach(enhance);
    var now = activeID && document.getElementById(activeID);
    if (now && now !== active) {
      now.focus();
      if (caret !== null && now.setSelectionRange) {
        // The library selects the whole field when it sees it focused, in
        // its next render, a microtask queued by the focus (or by the value
        // set above): the caret goes back in a microtask queued after it,
        // before the next key. Selected, the text typed so far would be
        // replaced by that key (seen when the library arrived mid-word).
        Promise.resolve().then(function () {
          if (document.activeElement === now) {
            now.setSelectionRange(caret, caret);
          }
        });
      }
    }
  }

  var form = document.querySelector('[data-autocomplete-src]');
  var inputs = document.querySelectorAll('input[data-suggest]');
  if (form && inputs.length && window.fetch) {
    var src = form.getAttribute('data-autocomplete-src');
    var started = false;
    var start = function () {
      if (started) {
        return;
      }
      started = true;
      loadLibrary(src, enhanceAll);
    };
    inputs.forEach(function (i) { i.addEventListener('focus', start); });
    if (inputs[0] && document.activeElement && document.activeElement.hasAttribute('data-suggest')) {
      start();
    }
  }
  wireMap();
}());

// Filters: on a wide screen the disclosure opens (the sidebar); ticking a
// filter applies it at once, the « Appliquer » button is then redundant.
(function () {
  'use strict';
  var box = document.querySelector('details.facets-box');
  if (!box) {
    return;
  }
  // Also when the window becomes wide later (a tablet turned, a window
  // enlarged): a narrow window keeps what the user opened or closed.
  var wide = window.matchMedia ? window.matchMedia('(min-width: 52.01rem)') : null;
  var openWhenWide = function () {
    if (wide.matches) {
      box.open = true;
    }
  };
  if (wide) {
    openWhenWide();
    if (wide.addEventListener) {
      wide.addEventListener('change', openWhenWide);
    }
  }
  var form = box.closest('form');
  var apply = box.querySelector('button.apply');
  if (!form || !form.requestSubmit) {
    return;
  }
  if (apply) {
    apply.hidden = true;
  }
  box.addEventListener('change', function (e) {
    if (e.target && e.target.type === 'checkbox') {
      form.requestSubmit();
    }
  });
}());

// The radius only means something with a place: it is disabled until one
// is given (the server ignores it otherwise).
(function () {
  'use strict';
  var near = document.getElementById('near');
  var radius = document.getElementById('radius_km');
  if (!near || !radius) {
    return;
  }
  function sync() {
    var field = document.getElementById('near'); // replaced by the combobox
    radius.disabled = !field || field.value.trim() === '';
  }
  ['input', 'change', 'focusout'].forEach(function (type) {
    document.addEventListener(type, function (e) {
      if (e.target && e.target.id === 'near') {
        sync();
      }
    });
  });
  if (radius.form) {
    radius.form.addEventListener('submit', sync); // the form data is read after
  }
  sync();
}());
