// Fabrique — sourcing report: shows the "print" button, which needs
// JavaScript; without it the page tells the reader to use Ctrl+P.
(function () {
  'use strict';
  document.querySelectorAll('[data-print]').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });
}());
