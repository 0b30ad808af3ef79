'use strict';
// Shared by the console and the simulator pages: the page's strings (console.json, embedded as JSON) and DOM helpers
// that only ever set text, never HTML.
window.SMB = (function () {
  var S = JSON.parse(document.getElementById('i18n').textContent || '{}');
  function t(key, vars) {
    var v = key.split('.').reduce(function (o, k) { return o && typeof o === 'object' ? o[k] : undefined; }, S);
    if (typeof v !== 'string') return key;
    return v.replace(/\{\{(\w+)\}\}/g, function (_, k) { return vars && vars[k] !== undefined ? String(vars[k]) : ''; });
  }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== undefined && attrs[k] !== false) e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  return { S: S, t: t, el: el };
})();
