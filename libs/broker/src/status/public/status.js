// The public status page: GET /v1/status, shown in Persian (Solar Hijri dates) or English. No key, no data of its own.
(() => {
  'use strict';
  const LANG_STORAGE = 'nix.status.lang';
  const ZONE = 'Asia/Tehran';
  const REFRESH_MS = 15_000;
  const asked = new URLSearchParams(location.search).get('lang');
  const state = { lang: asked === 'en' || asked === 'fa' ? asked : localStorage.getItem(LANG_STORAGE) === 'en' ? 'en' : 'fa', status: null };

  const $ = (id) => document.getElementById(id);
  const words = () => window.NixStatusI18n[state.lang];
  const calendar = () => (state.lang === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB-u-ca-gregory');

  function when(iso) {
    return new Intl.DateTimeFormat(calendar(), { timeZone: ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  }

  function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === 'text') node.textContent = value;
      else if (key.startsWith('data-')) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) node.append(child);
    return node;
  }

  function time(iso) {
    return el('time', { dateTime: iso, text: when(iso) });
  }

  function hoursText(hours) {
    if (hours === '24x7') return words().around;
    return hours
      .map((period) => `${period.days.map((d) => words().days[d] ?? d).join(state.lang === 'fa' ? '، ' : ', ')} ${period.from}–${period.until}`)
      .join(state.lang === 'fa' ? '؛ ' : '; ')
      .concat(` (${words().tehranTime})`);
  }

  function list(items, empty, testId, render) {
    if (items.length === 0) return el('p', { className: 'none', text: empty, 'data-testid': testId });
    return el('ul', { 'data-testid': testId }, items.map(render));
  }

  function serviceCard(s) {
    const w = words();
    const incidents = list(s.recentIncidents, w.noIncidents, 'incidents', (i) =>
      el('li', { 'data-testid': 'incident', 'data-opened-at': i.openedAt }, [
        `${w.from} `,
        time(i.openedAt),
        ` ${w.until} `,
        i.closedAt ? time(i.closedAt) : el('span', { className: 'ongoing', text: w.ongoing, 'data-testid': 'incident-ongoing' }),
      ]),
    );
    const maintenance = list(s.upcomingMaintenance, w.noMaintenance, 'maintenance', (m) =>
      el('li', { 'data-testid': 'maintenance-window' }, [`${w.from} `, time(m.from), ` ${w.until} `, time(m.until), ': ', el('bdi', { text: m.note[state.lang] })]),
    );
    // The last synthetic probe (R17): whether the service answered NIX's own check, and when.
    const probe = s.probe
      ? el('span', { 'data-testid': 'probe', 'data-ok': String(s.probe.ok) }, [`${s.probe.ok ? w.probeOk : w.probeFailed} `, time(s.probe.checkedAt)])
      : el('span', { className: 'none', 'data-testid': 'probe', text: w.noProbe });
    return el('article', { className: 'service', 'data-testid': 'service', 'data-registry': s.registry, 'data-service': s.service, 'data-state': s.state }, [
      el('h3', { text: s.title[state.lang] }),
      el('span', { className: 'badge', 'data-state': s.state, 'data-testid': 'state', text: w.state[s.state] ?? s.state }),
      el('span', { className: 'meta' }, [el('bdi', { text: `${s.registry}/${s.service}` }), ` · ${w.versions} `, el('bdi', { text: s.versions.join(', ') })]),
      el('div', { className: 'details' }, [
        el('div', {}, [el('h4', { text: w.hours }), el('span', { 'data-testid': 'hours', text: hoursText(s.hours) })]),
        el('div', {}, [el('h4', { text: w.maintenance }), maintenance]),
        el('div', {}, [el('h4', { text: w.incidents }), incidents]),
        el('div', {}, [el('h4', { text: w.probe }), probe]),
      ]),
    ]);
  }

  function render() {
    const w = words();
    const rtl = state.lang === 'fa';
    document.documentElement.lang = state.lang;
    document.documentElement.dir = rtl ? 'rtl' : 'ltr';
    document.title = w.title;
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = w[node.dataset.i18n];
    $('language').textContent = w.language;
    if (!state.status) {
      $('overall').textContent = w.loading;
      return;
    }
    const notOperational = state.status.services.filter((s) => s.state !== 'operational').length;
    $('overall').textContent = notOperational === 0 ? w.allOperational : w.someNotOperational(notOperational, new Intl.NumberFormat(rtl ? 'fa-IR' : 'en-GB').format(notOperational));
    $('generated').dateTime = state.status.generatedAt;
    $('generated').textContent = when(state.status.generatedAt);
    const byRegistry = new Map();
    for (const s of state.status.services) {
      if (!byRegistry.has(s.registry)) byRegistry.set(s.registry, []);
      byRegistry.get(s.registry).push(s);
    }
    $('services').replaceChildren(
      ...[...byRegistry].map(([registry, services]) =>
        el('section', { className: 'registry card', 'data-testid': 'registry', 'data-registry': registry }, [el('h2', { text: services[0].registryTitle[state.lang] }), ...services.map(serviceCard)]),
      ),
    );
  }

  async function refresh() {
    try {
      // The page always shows the latest (shared caches may keep the answer for its max-age).
      const response = await fetch('/v1/status', { headers: { accept: 'application/json' }, cache: 'no-cache' });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail || body.title || String(response.status));
      state.status = body;
      $('problem').hidden = true;
      document.body.dataset.state = 'ready';
    } catch (error) {
      $('problem').textContent = error.message;
      $('problem').hidden = false;
      document.body.dataset.state = 'failed';
    }
    render();
  }

  function start() {
    $('language').addEventListener('click', () => {
      state.lang = state.lang === 'fa' ? 'en' : 'fa';
      localStorage.setItem(LANG_STORAGE, state.lang);
      render();
    });
    render();
    void refresh();
    setInterval(() => void refresh(), REFRESH_MS);
  }

  start();
})();
