'use strict';
// Counsellor console client. Strings come from the page (console.json); every decision is checked on the server.
(function () {
  var S = window.SMB.S, t = window.SMB.t, el = window.SMB.el;
  var app = document.getElementById('app');
  // editors: the reply and note boxes of the open conversation, kept across re-renders (live updates re-render the
  // view; the same elements keep what is being typed, the caret and the focus)
  var state = { me: null, csrf: null, current: null, conv: null, queue: null, queueKey: null, es: null, editors: null };

  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }

  // ---- SMS segments (same arithmetic as src/channels/twilio/segments.ts)
  var GSM = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  var EXT = '^{}\\[~]|€\f';
  function segments(text) {
    var chars = Array.from(text), gsm = chars.every(function (c) { return GSM.indexOf(c) >= 0 || EXT.indexOf(c) >= 0; });
    var units = gsm ? chars.reduce(function (n, c) { return n + (EXT.indexOf(c) >= 0 ? 2 : 1); }, 0) : text.length;
    var single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    return { encoding: gsm ? 'GSM-7' : 'UCS-2', units: units, segments: units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi) };
  }

  function api(method, url, body) {
    var headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
    return fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' })
      .then(function (res) {
        return res.text().then(function (txt) {
          var data = {};
          try { data = txt ? JSON.parse(txt) : {}; } catch (e) { data = {}; }
          if (res.status === 401 && url !== '/console/api/login') { showLogin(t('login.expired')); throw { handled: true }; }
          if (!res.ok) throw { status: res.status, data: data };
          return data;
        });
      }, function () { throw { data: { error: 'network' } }; });
  }
  function errorText(err) {
    var code = (err && err.data && err.data.error) || 'generic';
    var msg = t('errors.' + code, { owner: err && err.data && err.data.owner });
    return msg === 'errors.' + code ? t('errors.generic') : msg;
  }

  // ---- login
  function showLogin(message) {
    if (state.es) { state.es.close(); state.es = null; }
    state.me = null; state.csrf = null; state.current = null; state.conv = null; state.queueKey = null; state.editors = null;
    var err = el('p', { class: 'error', role: 'alert', text: message || '' });
    var name = el('input', { name: 'name', id: 'login-name', autocomplete: 'username', required: 'required' });
    var pw = el('input', { name: 'password', id: 'login-password', type: 'password', autocomplete: 'current-password', required: 'required' });
    var form = el('form', { class: 'login', id: 'login' }, [
      el('label', { for: 'login-name', text: t('login.name') }), name,
      el('label', { for: 'login-password', text: t('login.password') }), pw,
      el('button', { type: 'submit', text: t('login.submit') }), err,
    ]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      api('POST', '/console/api/login', { name: name.value.trim(), password: pw.value }).then(function (me) {
        pw.value = '';
        start(me);
      }, function (e) {
        if (e && e.data && e.data.error === 'locked') err.textContent = t('login.locked', { time: new Date(e.data.lockedUntil).toLocaleTimeString() });
        else if (e && e.data && e.data.error === 'invalid') err.textContent = t('login.invalid');
        else err.textContent = errorText(e);
      });
    });
    clear(app).appendChild(el('h1', { text: t('title') }));
    app.appendChild(el('h2', { text: t('login.heading') }));
    app.appendChild(form);
    name.focus();
  }

  // ---- main layout
  function start(me) {
    state.me = me; state.csrf = me.csrf;
    clear(app);
    var live = el('span', { class: 'live', id: 'live', text: t('live.off') });
    app.appendChild(el('header', { class: 'top' }, [
      el('h1', { text: t('title') }),
      el('span', { text: t('header.signedInAs', { name: me.name, role: t('role.' + me.role) }) }),
      live,
      el('a', { href: t('header.languageHref'), text: t('header.language') }),
      el('button', { class: 'secondary', id: 'logout', text: t('header.logout'), onclick: function () {
        api('POST', '/console/api/logout', {}).then(function () { showLogin(''); }, function () { showLogin(''); });
      } }),
    ]));
    app.appendChild(el('p', { class: 'error', id: 'error', role: 'alert' }));
    app.appendChild(el('div', { class: 'layout' }, [
      el('div', {}, [
        el('section', { class: 'panel' }, [el('h2', { text: t('queue.heading') }), el('ul', { class: 'list', id: 'queue' })]),
        el('section', { class: 'panel' }, [el('h2', { text: me.role === 'supervisor' ? t('queue.active') : t('queue.mine') }), el('ul', { class: 'list', id: 'active' })]),
        me.role === 'supervisor' ? el('section', { class: 'panel' }, [el('h2', { text: t('queue.load') }), el('ul', { class: 'list', id: 'load' })]) : null,
        me.role === 'supervisor' ? el('section', { class: 'panel' }, [
          el('h2', { text: t('audit.heading') }),
          el('button', { class: 'secondary', id: 'audit-refresh', text: t('audit.refresh'), onclick: function () { refreshAudit(); } }),
          el('ul', { class: 'list audit', id: 'audit' }),
        ]) : null,
      ]),
      el('section', { class: 'panel', id: 'conversation' }, [el('p', { class: 'muted', text: t('conv.none') })]),
    ]));
    refreshQueue();
    if (me.role === 'supervisor') refreshAudit();
    connect(live);
  }

  function auditLines(ul, entries, withConversation) {
    clear(ul);
    if (!entries.length) { ul.appendChild(el('li', { class: 'muted', text: t('audit.empty') })); return; }
    entries.forEach(function (e) {
      var detail = Object.keys(e.detail || {}).map(function (k) { return k + '=' + e.detail[k]; }).join(' ');
      ul.appendChild(el('li', { 'data-action': e.action }, [
        el('span', { text: t('audit.line', { time: new Date(e.at).toLocaleString(), who: e.who, action: e.action }) }),
        withConversation && e.conversationId ? el('span', { class: 'muted', text: t('audit.conversation', { id: e.conversationId.slice(0, 16) }) }) : null,
        detail ? el('span', { class: 'muted', text: detail }) : null,
      ]));
    });
  }

  function refreshAudit() {
    return api('GET', '/console/api/audit?limit=100').then(function (a) {
      var ul = document.getElementById('audit');
      if (ul) auditLines(ul, a.entries, true);
    }, showError);
  }

  function showError(e) {
    if (e && e.handled) return;
    var box = document.getElementById('error');
    if (box) box.textContent = e ? errorText(e) : '';
  }

  function connect(live) {
    if (!window.EventSource) return;
    var es = new EventSource('/console/api/events');
    state.es = es;
    es.onopen = function () { live.textContent = t('live.on'); };
    es.onerror = function () { live.textContent = t('live.off'); };
    function onEvent(ev) {
      var data = {};
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      refreshQueue();
      if (state.current && data.conversationId === state.current) openConversation(state.current, true);
    }
    es.addEventListener('handoff', onEvent);
    es.addEventListener('message', onEvent);
    es.addEventListener('erased', onEvent);
    es.addEventListener('expired', function () { showLogin(t('login.expired')); });
  }

  function refreshQueue() {
    return api('GET', '/console/api/queue').then(function (q) {
      state.queue = q;
      // live events arrive in bursts: leave the lists alone (and their buttons clickable) when nothing changed
      var key = JSON.stringify([q.queue, q.active, q.load]);
      if (key === state.queueKey) return;
      state.queueKey = key;
      renderList(document.getElementById('queue'), q.queue, t('queue.empty'));
      renderList(document.getElementById('active'), q.active, t('queue.mineEmpty'));
      var load = document.getElementById('load');
      if (load && q.load) {
        clear(load);
        Object.keys(q.load).forEach(function (n) { load.appendChild(el('li', { text: t('queue.loadLine', { name: n, count: q.load[n] }) })); });
      }
    }, showError);
  }

  function renderList(ul, items, emptyText) {
    if (!ul) return;
    clear(ul);
    if (!items.length) { ul.appendChild(el('li', { class: 'muted', text: emptyText })); return; }
    items.forEach(function (c) {
      ul.appendChild(el('li', { 'data-id': c.id }, [
        el('span', {}, [
          el('span', { class: 'prio-' + c.priority, text: t('priority.' + c.priority) }), ' ',
          t('channel.' + c.channel) + ' · ' + (c.language || t('conv.unknown')) + ' · ' + (c.country || t('conv.unknown')),
        ]),
        c.reason ? el('span', { class: 'muted', text: t('conv.reason', { reason: c.reason }) }) : null,
        c.topicsRead && c.topicsRead.length ? el('span', { class: 'muted', text: t('queue.topics', { topics: c.topicsRead.join(', ') }) }) : null,
        c.status === 'queued' ? el('span', { class: 'muted', text: t('queue.waiting', { minutes: c.waitingMinutes }) })
          : el('span', { class: 'muted', text: t('queue.with', { name: c.counsellorId || '' }) }),
        el('button', { class: 'secondary open', text: t('queue.open'), onclick: function () { openConversation(c.id); } }),
      ]));
    });
  }

  // ---- one conversation
  // quiet: a refresh after a live event; a conversation that just left this counsellor's sight is no error
  function openConversation(id, quiet) {
    state.current = id;
    return api('GET', '/console/api/conversations/' + encodeURIComponent(id)).then(function (c) {
      if (state.current !== id) return;
      renderConversation(c);
    }, function (e) {
      var gone = e && (e.status === 404 || e.status === 403);
      if (gone) closeView();
      if (!(gone && quiet)) showError(e);
    });
  }

  function act(id, name, body, confirmKey) {
    if (confirmKey && !window.confirm(t(confirmKey))) return Promise.resolve();
    showError(null);
    return api('POST', '/console/api/conversations/' + encodeURIComponent(id) + '/' + name, body || {}).then(function () {
      var supervisor = state.me && state.me.role === 'supervisor';
      if (supervisor) refreshAudit();
      // a counsellor who hands a conversation on may no longer see it
      var gone = name === 'erase' || (!supervisor && (name === 'close' || name === 'release' || name === 'transfer'));
      if (gone && state.current === id) closeView();
      return Promise.all([refreshQueue(), gone ? null : openConversation(id)]).then(function () { return true; });
    }, function (e) { showError(e); return false; });
  }

  function closeView() {
    state.current = null;
    state.conv = null;
    state.editors = null;
    clear(document.getElementById('conversation')).appendChild(el('p', { class: 'muted', text: t('conv.none') }));
  }

  function countSegments() {
    var reply = document.getElementById('reply-text'), count = document.getElementById('segments');
    if (!reply || !count || !state.conv) return;
    var s = segments(reply.value);
    count.textContent = state.conv.channel === 'sms' ? t('reply.segments', s) : t('reply.whatsappCount', s);
  }

  function editorsFor(id) {
    if (state.editors && state.editors.id === id) return state.editors;
    var reply = el('textarea', { id: 'reply-text', dir: 'auto', maxlength: '1600' });
    reply.addEventListener('input', countSegments);
    state.editors = { id: id, reply: reply, note: el('textarea', { id: 'note-text', dir: 'auto', maxlength: '1600' }) };
    return state.editors;
  }

  function renderConversation(c) {
    var focused = document.activeElement;
    var editors = editorsFor(c.id);
    state.conv = c;
    var box = clear(document.getElementById('conversation'));
    var me = state.me;
    box.appendChild(el('h2', { text: t('conv.heading') }));
    box.appendChild(el('p', { text: t('conv.meta', { channel: t('channel.' + c.channel), language: c.language || t('conv.unknown'), country: c.country || t('conv.unknown'), status: t('status.' + c.status) }) }));
    if (c.priority) box.appendChild(el('p', {}, [el('span', { class: 'prio-' + c.priority, text: t('priority.' + c.priority) }), c.reason ? ' ' + t('conv.reason', { reason: c.reason }) : '']));
    if (c.topicsRead && c.topicsRead.length) box.appendChild(el('p', { class: 'muted', text: t('conv.topics', { topics: c.topicsRead.join(', ') }) }));
    if (c.counsellorId) box.appendChild(el('p', { class: 'muted', text: t('conv.owner', { name: c.counsellorId }) }));
    if (c.stopped) box.appendChild(el('p', { class: 'warn', text: t('conv.stopped') }));
    var windowClosed = c.channel === 'whatsapp' && c.windowClosed;
    if (c.channel === 'whatsapp') {
      var left = (c.whatsappWindowEndsAt || 0) - c.now;
      box.appendChild(el('p', { class: windowClosed ? 'warn' : 'muted', id: 'window',
        text: windowClosed ? t('conv.windowClosed') : t('conv.windowLeft', { hours: Math.floor(left / 3600000), minutes: Math.floor(left % 3600000 / 60000) }) }));
    }
    var list = el('div', { class: 'transcript', id: 'transcript', 'aria-live': 'polite' });
    c.transcript.forEach(function (m) {
      list.appendChild(el('div', { class: 'msg ' + m.kind }, [
        el('span', { class: 'who', text: t('kind.' + m.kind) + (m.author ? ' · ' + m.author : '') + ' · ' + new Date(m.at).toLocaleTimeString() }),
        el('p', { dir: 'auto', text: m.text || '' }),
        m.delivery ? el('span', { class: 'muted delivery', text: t('delivery.' + m.delivery) }) : null,
      ]));
    });
    box.appendChild(list);
    list.scrollTop = list.scrollHeight;

    if (c.status === 'queued') box.appendChild(el('div', { class: 'row' }, [el('button', { id: 'claim', text: t('conv.claim'), onclick: function () { act(c.id, 'claim'); } })]));

    var canAct = c.mine || me.role === 'supervisor';
    if (c.mine && !c.stopped && windowClosed) {
      if (c.reopenTemplate) {
        box.appendChild(el('p', { class: 'muted', text: t('conv.reopenHelp') }));
        box.appendChild(el('div', { class: 'row' }, [el('button', { id: 'reopen', text: t('conv.reopen'), onclick: function () { act(c.id, 'reopen'); } })]));
      } else {
        box.appendChild(el('p', { class: 'warn', id: 'no-template', text: t('conv.noTemplate', { language: c.language || t('conv.unknown') }) }));
      }
    }
    if (c.mine && !c.stopped && !windowClosed) {
      var reply = editors.reply;
      var count = el('p', { class: 'muted', id: 'segments', 'aria-live': 'polite' });
      var update = countSegments;
      var canned = el('select', { id: 'canned', 'aria-label': t('reply.canned') }, [el('option', { value: '', text: t('reply.cannedNone') })]);
      Object.keys(c.canned || {}).forEach(function (k) { canned.appendChild(el('option', { value: k, text: c.canned[k] })); });
      canned.addEventListener('change', function () { if (canned.value) { reply.value = c.canned[canned.value]; canned.value = ''; update(); reply.focus(); } });
      box.appendChild(el('label', { for: 'reply-text', text: t('reply.label') }));
      box.appendChild(canned);
      box.appendChild(reply);
      update();
      box.appendChild(el('div', { class: 'row' }, [count, el('button', { id: 'send', text: t('reply.send'), onclick: function () {
        var text = reply.value.trim();
        if (!text) return;
        act(c.id, 'reply', { text: text }).then(function (ok) { if (ok && reply.value.trim() === text) { reply.value = ''; countSegments(); } });
      } })]));
    }
    if (canAct) {
      var note = editors.note;
      box.appendChild(el('label', { for: 'note-text', text: t('note.label') }));
      box.appendChild(note);
      box.appendChild(el('div', { class: 'row' }, [el('button', { class: 'secondary', id: 'add-note', text: t('note.add'), onclick: function () {
        var text = note.value.trim();
        if (text) act(c.id, 'note', { text: text }).then(function (ok) { if (ok && note.value.trim() === text) note.value = ''; });
      } })]));
    }
    if (canAct && c.status === 'with_counsellor') {
      var to = el('select', { id: 'transfer-to', 'aria-label': t('transfer.label') });
      ((state.queue && state.queue.counsellors) || []).filter(function (n) { return n !== c.counsellorId; }).forEach(function (n) { to.appendChild(el('option', { value: n, text: n })); });
      if (to.options.length) box.appendChild(el('label', { for: 'transfer-to', text: t('transfer.label') }));
      if (to.options.length) box.appendChild(el('div', { class: 'row' }, [to, el('button', { class: 'secondary', id: 'transfer', text: t('transfer.submit'), onclick: function () { if (to.value) act(c.id, 'transfer', { to: to.value }); } })]));
      box.appendChild(el('div', { class: 'row' }, [
        el('button', { class: 'secondary', id: 'release', text: t('actions.release'), onclick: function () { act(c.id, 'release'); } }),
        el('button', { id: 'close', text: t('actions.close'), onclick: function () { act(c.id, 'close', {}, 'actions.closeConfirm'); } }),
      ]));
    }
    if (me.role === 'supervisor') {
      box.appendChild(el('div', { class: 'row' }, [el('button', { class: 'danger', id: 'erase', text: t('actions.erase'), onclick: function () {
        act(c.id, 'erase', {}, 'actions.eraseConfirm');
      } })]));
      var history = el('ul', { class: 'list audit', id: 'conversation-audit' });
      box.appendChild(el('h3', { text: t('conv.audit') }));
      box.appendChild(history);
      api('GET', '/console/api/audit?limit=50&conversation=' + encodeURIComponent(c.id)).then(function (a) { auditLines(history, a.entries, false); }, showError);
    }
    if ((focused === editors.reply || focused === editors.note) && document.body.contains(focused)) focused.focus();
  }

  api('GET', '/console/api/me').then(start, function (e) { if (!e || !e.handled) showLogin(''); });
})();
