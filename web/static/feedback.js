// Fabrique — buyers' feedback on a shortlist. The « pertinent » / « pas
// pertinent » buttons are forms that work without this file (the page is
// posted and shown again). With it, a vote is posted in the background and
// the buttons, counts and status follow the answer; pressing a pressed
// button withdraws the vote.
(function () {
  'use strict';

  if (window.fabriqueFeedback || !window.fetch || !window.URLSearchParams) {
    return;
  }
  window.fabriqueFeedback = true;

  function update(form, answer) {
    form.querySelectorAll('button[name="vote"]').forEach(function (b) {
      if (b.value === 'retirer') {
        b.hidden = !answer.vote;
      } else {
        b.setAttribute('aria-pressed', b.value === answer.vote ? 'true' : 'false');
      }
    });
    var counts = { pertinent: answer.relevant, pas_pertinent: answer.irrelevant };
    form.querySelectorAll('[data-count]').forEach(function (c) {
      c.textContent = '(' + counts[c.getAttribute('data-count')] + ')';
    });
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute('data-feedback')) {
      return;
    }
    var button = e.submitter;
    if (!button || button.name !== 'vote') {
      return;
    }
    e.preventDefault();
    var vote = button.value;
    if (vote !== 'retirer' && button.getAttribute('aria-pressed') === 'true') {
      vote = 'retirer';
    }
    var body = new URLSearchParams(new FormData(form));
    body.set('vote', vote);
    var status = form.querySelector('.feedback-status');
    form.setAttribute('aria-busy', 'true');
    fetch(form.action, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-CSRF-Token': body.get('_csrf') || '' }
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) {
          throw new Error(j.error || 'erreur ' + r.status);
        }
        return j;
      });
    }).then(function (answer) {
      update(form, answer);
      status.textContent = answer.message;
    }).catch(function (err) {
      status.textContent = 'Avis non enregistré : ' + err.message;
    }).finally(function () {
      form.removeAttribute('aria-busy');
    });
  });
})();
