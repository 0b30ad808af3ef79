'use strict';
// Dry-run simulator: write as a user; replies are read from the dry-run record. Strings come from console.json.
(function () {
  var t = window.SMB.t, el = window.SMB.el;
  var app = document.getElementById('app');
  var channel = el('select', { id: 'sim-channel' }, [el('option', { value: 'sms', text: 'SMS' }), el('option', { value: 'whatsapp', text: 'WhatsApp' })]);
  var from = el('input', { id: 'sim-from', value: '+1555' + String(Math.floor(1000000 + Math.random() * 8999999)) });
  var body = el('textarea', { id: 'sim-body', dir: 'auto' });
  var err = el('p', { class: 'error', role: 'alert' });
  var log = el('div', { class: 'transcript', id: 'sim-log', 'aria-live': 'polite' });
  var form = el('form', { id: 'sim-form' }, [
    el('label', { for: 'sim-channel', text: t('simulator.channel') }), channel,
    el('label', { for: 'sim-from', text: t('simulator.from') }), from,
    el('label', { for: 'sim-body', text: t('simulator.message') }), body,
    el('div', { class: 'row' }, [el('button', { type: 'submit', text: t('simulator.send') })]), err,
  ]);
  app.appendChild(el('p', { class: 'muted', text: t('simulator.intro') }));
  app.appendChild(el('section', { class: 'panel' }, [form, log]));
  var seen = {}, after = 0;
  function address() { return (channel.value === 'whatsapp' ? 'whatsapp:' : '') + from.value.trim(); }
  function add(kind, who, text) {
    log.appendChild(el('div', { class: 'msg ' + kind }, [el('span', { class: 'who', text: who }), el('p', { dir: 'auto', text: text })]));
    log.scrollTop = log.scrollHeight;
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = body.value.trim();
    if (!text) return;
    err.textContent = '';
    fetch('/simulator/api/send', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: channel.value, from: from.value.trim(), body: text }) })
      .then(function (r) { return r.json().then(function (d) { if (!r.ok) throw d; add('user', t('simulator.you'), text); body.value = ''; }); })
      .catch(function (d) { err.textContent = t('simulator.error', { status: (d && d.status) || (d && d.error) || '?' }); });
  });
  setInterval(function () {
    fetch('/simulator/api/messages?to=' + encodeURIComponent(address()) + '&after=' + after).then(function (r) { return r.json(); }).then(function (list) {
      list.forEach(function (m) {
        if (seen[m.sid]) return;
        seen[m.sid] = true;
        after = Math.max(after, m.at - 1);
        add('bot', t('simulator.bot'), m.body || (m.contentSid ? t('simulator.template', { sid: m.contentSid }) : ''));
      });
    }, function () {});
  }, 1000);
})();
