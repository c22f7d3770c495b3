// The dashboard: asks for an API key, then charts the reports API's answers and shows the governance pages the
// caller's roles open, and the service catalogue, to anyone. A classic script (no build step); Chart.js, i18n.js,
// governance.js and catalogue.js are loaded before it.
(() => {
  'use strict';
  const ZONE = 'Asia/Tehran';
  const KEY_STORAGE = 'nix.dashboard.key';
  const LANG_STORAGE = 'nix.dashboard.lang';
  /** The page last shown in this tab, so that a reload stays on it. */
  const VIEW_STORAGE = 'nix.dashboard.view';
  const TOP = 5;
  /** What a visitor without a key may open: the public catalogue, and the sign-in form. */
  const SIGNED_OUT_VIEWS = ['catalogue', 'sign-in'];
  const OUTCOME_COLOURS = {
    ok: '#2e7d32',
    'not-found': '#81c784',
    invalid: '#f9a825',
    unauthenticated: '#8d6e63',
    denied: '#e65100',
    'over-quota': '#ad1457',
    timeout: '#6a1b9a',
    'provider-error': '#c62828',
    unavailable: '#455a64',
    'broker-error': '#000000',
  };
  const FONT = '"Vazirmatn", "Noto Naskh Arabic", "Noto Sans Arabic", Tahoma, "DejaVu Sans", sans-serif';

  const $ = (id) => document.getElementById(id);
  const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

  const state = {
    lang: localStorage.getItem(LANG_STORAGE) === 'en' ? 'en' : 'fa',
    key: sessionStorage.getItem(KEY_STORAGE),
    caller: null,
    /** Why the governance API refused this key, if it did: its pages are then missing, and the page says why. */
    governanceError: null,
    /** The pages this caller may see: reports (when the reports API knows its key) and governance pages. */
    views: [],
    view: null,
    agencies: [],
    services: [],
    reports: null,
    charts: {},
    sequence: 0,
  };

  const words = () => window.NixI18n[state.lang];
  const locale = () => (state.lang === 'fa' ? 'fa-IR' : 'en-GB');
  const number = (value, digits = 1) =>
    value === null || value === undefined ? '–' : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
  const percent = (value) =>
    value === null || value === undefined ? '–' : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 2 }).format(value);

  class ProblemAnswer extends Error {
    constructor(status, problem) {
      super(problem.detail || problem.title || `HTTP ${status}`);
      this.status = status;
      this.problem = problem;
    }
  }

  async function problemOf(response) {
    let problem = {};
    try {
      problem = await response.json();
    } catch {
      // Not a problem document; the status says enough.
    }
    return new ProblemAnswer(response.status, problem);
  }

  async function api(path, params = {}, accept = 'application/json') {
    const url = new URL(path, location.origin);
    for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') url.searchParams.set(name, value);
    const response = await fetch(url, { headers: { authorization: `Bearer ${state.key}`, accept } });
    if (!response.ok) throw await problemOf(response);
    return accept === 'application/json' ? response.json() : response;
  }

  /** A governance write: a JSON body, a JSON answer (or none, for 204). */
  async function send(method, path, body) {
    const response = await fetch(new URL(path, location.origin), {
      method,
      headers: { authorization: `Bearer ${state.key}`, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await problemOf(response);
    return response.status === 204 ? null : response.json();
  }

  function setState(name) {
    document.body.dataset.state = name;
  }

  function showProblem(error) {
    const box = $('problem');
    box.hidden = !error;
    box.textContent = error ? `${error.status ? `${error.status} ` : ''}${error.message}` : '';
  }

  // ---- names and dates ----------------------------------------------------------------------

  function agencyName(id, labels) {
    if (!id) return words().unknown;
    const custodian = state.services.find((s) => s.custodian.id === id);
    const name = (labels && labels.agencies[id]) || (state.agencies.find((a) => a.id === id) || {}).name || (custodian && custodian.custodian.name);
    return name ? name[state.lang] : id;
  }

  function serviceName(registry, service, labels) {
    const entry = state.services.find((s) => s.registry === registry && s.service === service);
    const title = (labels && labels.services[`${registry}/${service}`]) || (entry && entry.title);
    const registryTitle = (labels && labels.registries[registry]) || (entry && entry.registryTitle);
    if (!service) return words().unknown;
    return `${registryTitle ? registryTitle[state.lang] : registry} — ${title ? title[state.lang] : service}`;
  }

  /** The service's own title, short enough for a chart axis; tables show the registry too. */
  function serviceTitle(registry, service, labels) {
    const entry = state.services.find((s) => s.registry === registry && s.service === service);
    const title = (labels && labels.services[`${registry}/${service}`]) || (entry && entry.title);
    return title ? title[state.lang] : service || words().unknown;
  }

  const outcomeName = (outcome) => words().outcome[outcome] || outcome;

  function bucketLabel(bucket, interval) {
    const options = {
      hour: { hour: '2-digit', minute: '2-digit' },
      day: { day: 'numeric', month: 'short' },
      month: { month: 'short', year: 'numeric' },
      'jalali-month': { month: 'long', year: 'numeric' },
      'jalali-quarter': { month: 'long', year: 'numeric' },
    }[interval];
    // Solar Hijri buckets always in the Solar Hijri calendar, Gregorian months in the Gregorian; days and hours in the language's own.
    const persian = interval.startsWith('jalali-') || (interval !== 'month' && state.lang === 'fa');
    return new Intl.DateTimeFormat(`${locale()}-u-ca-${persian ? 'persian' : 'gregory'}`, { timeZone: ZONE, ...options }).format(new Date(bucket.from));
  }

  /** The first and last day of a period in one calendar, in the page's language. */
  function spanIn(calendar, period) {
    const format = new Intl.DateTimeFormat(`${locale()}-u-ca-${calendar}`, { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric' });
    const first = format.format(new Date(period.from));
    const last = format.format(new Date(Date.parse(period.to) - 1));
    const name = words().calendar[calendar];
    return first === last ? `${name}: ${first}` : `${name}: ${first} – ${last}`;
  }

  // ---- filters -----------------------------------------------------------------------------

  function nextDay(date) {
    const [y, m, d] = date.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  }

  function periodParams() {
    const period = $('period').value;
    if (period !== 'range') return { period };
    // The form's "to" is the last day shown; the API's "to" is the first instant after the range.
    return { from: $('from').value, to: $('to').value ? nextDay($('to').value) : '' };
  }

  function filterParams() {
    const params = periodParams();
    const agency = state.agencies.find((a) => a.id === $('agency').value);
    if (agency) params[agency.roles.includes('provider') ? 'provider' : 'consumer'] = agency.id;
    if ($('registry').value) params.registry = $('registry').value;
    if ($('service').value) params.service = $('service').value;
    return params;
  }

  function fillSelect(select, options) {
    const chosen = select.value;
    while (select.options.length > 1) select.remove(1);
    for (const [value, text] of options) select.add(new Option(text, value));
    select.value = options.some(([value]) => value === chosen) ? chosen : '';
  }

  function fillFilters() {
    fillSelect($('agency'), state.agencies.map((a) => [a.id, a.name[state.lang]]));
    const registries = [...new Map(state.services.map((s) => [s.registry, s.registryTitle[state.lang]]))];
    fillSelect($('registry'), registries);
    const registry = $('registry').value;
    fillSelect($('service'), state.services.filter((s) => !registry || s.registry === registry).map((s) => [s.service, s.title[state.lang]]));
    const range = $('period').value === 'range';
    for (const label of document.querySelectorAll('.range')) label.hidden = !range;
  }

  // ---- loading -----------------------------------------------------------------------------

  async function signIn(key) {
    state.key = key;
    setState('loading');
    try {
      // Each API may not know the key yet: the reports API reads contracts/, the governance API its store. One will do.
      const failed = (error) => ({ error });
      const [me, reports, catalogue] = await Promise.all([api('/v1/agencies/me').catch(failed), api('/v1/reports/agencies').catch(failed), api('/v1/services')]);
      if (me.error && reports.error) throw me.error.status === 401 ? me.error : reports.error;
      sessionStorage.setItem(KEY_STORAGE, key);
      state.caller = me.error ? reports.caller : me;
      state.agencies = reports.error ? [] : reports.agencies;
      state.services = catalogue.services;
      // The publishing page asks the catalogue which registries the caller keeps; without it the others still open.
      const publishing = me.error ? [] : await cataloguePages.start(me).catch(() => []);
      state.views = [...(reports.error ? [] : ['reports']), ...(me.error ? [] : governance.start(me, state.services)), ...publishing, 'catalogue'];
      $('sign-in').hidden = true;
      $('sign-out').hidden = false;
      $('views').hidden = false;
      showProblem(null);
      state.governanceError = me.error || null;
      const last = location.hash === '#catalogue' ? 'catalogue' : sessionStorage.getItem(VIEW_STORAGE);
      showView(state.views.includes(last) ? last : state.views[0]);
      applyLanguage();
      await Promise.all([reports.error ? null : refresh(), me.error ? null : governance.load()]);
      if (reports.error) setState('ready');
    } catch (error) {
      state.key = null;
      sessionStorage.removeItem(KEY_STORAGE);
      state.views = SIGNED_OUT_VIEWS;
      showView('sign-in');
      showProblem(error);
      setState('signed-out');
    }
  }

  function signOut() {
    sessionStorage.removeItem(KEY_STORAGE);
    sessionStorage.removeItem(VIEW_STORAGE);
    location.reload();
  }

  async function refresh() {
    const sequence = ++state.sequence;
    const params = filterParams();
    if (params.period === undefined && (!params.from || !params.to)) return;
    setState('loading');
    try {
      const [traffic, outcomes, consumers, services, levels, notifications] = await Promise.all([
        api('/v1/reports/usage', { ...params, groupBy: 'period' }),
        api('/v1/reports/usage', { ...params, groupBy: 'outcome' }),
        api('/v1/reports/usage', { ...params, groupBy: 'consumer', limit: TOP }),
        api('/v1/reports/usage', { ...params, groupBy: 'registry,service', limit: TOP }),
        api('/v1/reports/service-levels', params),
        // Events and deliveries (issue 14) are per agency and period only: the traffic filters do not apply.
        api('/v1/reports/notifications', periodParams()),
      ]);
      if (sequence !== state.sequence) return;
      state.reports = { traffic, outcomes, consumers, services, levels, notifications };
      showProblem(null);
      render();
      setState('ready');
    } catch (error) {
      if (sequence !== state.sequence) return;
      showProblem(error);
      setState('error');
    }
  }

  /** A download needs the key, so the page fetches the file and hands the browser what it got. */
  async function download(path, params, accept, fallbackName) {
    try {
      const response = await api(path, params, accept);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.blob());
      link.download = (/filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '') || [])[1] || fallbackName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    } catch (error) {
      showProblem(error);
    }
  }

  function downloadCsv() {
    return download('/v1/reports/usage', { ...filterParams(), groupBy: 'consumer,registry,service,outcome', lang: state.lang }, 'text/csv', 'nix-usage.csv');
  }

  function showView(name) {
    state.view = name;
    if (name && state.key) sessionStorage.setItem(VIEW_STORAGE, name);
    if (!state.key) $('sign-in').hidden = name !== 'sign-in';
    // The catalogue is read afresh each time it is opened.
    if (name === 'catalogue') cataloguePages.load();
    for (const main of document.querySelectorAll('main.view')) main.hidden = main.dataset.view !== name;
    for (const tab of document.querySelectorAll('#views button[data-view]')) {
      tab.hidden = !state.views.includes(tab.dataset.view);
      tab.setAttribute('aria-pressed', String(tab.dataset.view === name));
    }
    // Chart.js sizes a chart when its canvas is shown.
    if (name === 'reports' && state.reports) render();
  }

  /** The printable report needs the key, so the page fetches it and opens what it got. */
  async function openPrintable(agencyId, format) {
    const win = window.open('', '_blank');
    try {
      const params = { ...periodParams(), lang: state.lang, format };
      const response = await api(`/v1/reports/agencies/${encodeURIComponent(agencyId)}/printable`, params, format === 'pdf' ? 'application/pdf' : 'text/html');
      const url = URL.createObjectURL(await response.blob());
      if (win) win.location.href = url;
      else location.href = url;
    } catch (error) {
      if (win) win.close();
      showProblem(error);
    }
  }

  // ---- rendering ---------------------------------------------------------------------------

  function applyLanguage() {
    const rtl = state.lang === 'fa';
    document.documentElement.lang = state.lang;
    document.documentElement.dir = rtl ? 'rtl' : 'ltr';
    document.title = words().title;
    for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = words()[element.dataset.i18n];
    $('language').textContent = words().language;
    if (state.caller) $('who').textContent = `${words().signedInAs}: ${state.caller.name[state.lang]}`;
    const refused = state.governanceError;
    $('governance-unavailable').hidden = !refused;
    $('governance-unavailable').textContent = refused ? `${words().governanceUnavailable} (${refused.status} ${refused.message})` : '';
    fillFilters();
    if (state.reports && state.view === 'reports') render();
    governance.render();
    cataloguePages.render();
  }

  function setFigure(testId, value, text) {
    const element = byTestId(testId);
    element.dataset.value = value === null || value === undefined ? '' : String(value);
    element.textContent = text;
  }

  function cell(row, text, value, field) {
    const td = row.insertCell();
    td.textContent = text;
    if (value !== undefined) td.dataset.value = value === null ? '' : String(value);
    if (typeof value === 'number' || value === null) td.className = 'num';
    if (field) td.dataset.field = field;
    return td;
  }

  function fillTable(testId, rows, fill) {
    const body = byTestId(testId).tBodies[0];
    body.replaceChildren();
    for (const row of rows) fill(body.insertRow(), row);
    if (rows.length === 0) {
      const td = body.insertRow().insertCell();
      td.colSpan = byTestId(testId).tHead.rows[0].cells.length;
      td.className = 'empty';
      td.textContent = words().noData;
    }
  }

  function chart(id, config) {
    if (state.charts[id]) state.charts[id].destroy();
    const rtl = state.lang === 'fa';
    const base = {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: locale(),
      plugins: {
        legend: { rtl, textDirection: rtl ? 'rtl' : 'ltr', labels: { font: { family: FONT } } },
        tooltip: { rtl, textDirection: rtl ? 'rtl' : 'ltr' },
      },
    };
    const options = config.options || {};
    state.charts[id] = new Chart($(id), { ...config, options: { ...base, ...options, plugins: { ...base.plugins, ...(options.plugins || {}) } } });
  }

  function barsOf(rows, label, labels) {
    const rtl = state.lang === 'fa';
    return {
      type: 'bar',
      data: {
        labels: rows.map((r) => label(r, labels)),
        datasets: [
          { label: words().succeeded, data: rows.map((r) => r.succeeded), backgroundColor: '#3d85c6', stack: 'n' },
          { label: words().failed, data: rows.map((r) => r.failed), backgroundColor: '#e06666', stack: 'n' },
        ],
      },
      options: { indexAxis: 'y', scales: { x: { stacked: true, reverse: rtl, beginAtZero: true }, y: { stacked: true, position: rtl ? 'right' : 'left' } } },
    };
  }

  function render() {
    const { traffic, outcomes, consumers, services, levels } = state.reports;
    const rtl = state.lang === 'fa';
    const period = traffic.period;
    $('period-label').textContent = period.label[state.lang];
    const calendars = $('period-calendars');
    calendars.dataset.jalali = `${period.jalali.first}/${period.jalali.last}`;
    calendars.dataset.gregorian = `${period.gregorian.first}/${period.gregorian.last}`;
    calendars.textContent = `(${spanIn('persian', period)} · ${spanIn('gregory', period)})`;

    const totals = outcomes.totals;
    setFigure('kpi-count', totals.count, number(totals.count));
    setFigure('kpi-succeeded', totals.succeeded, number(totals.succeeded));
    setFigure('kpi-failed', totals.failed, number(totals.failed));
    setFigure('kpi-duration', totals.durationMeanMs, number(totals.durationMeanMs, 2));

    const byBucket = new Map(traffic.rows.map((r) => [r.period, r]));
    chart('chart-traffic', {
      type: 'line',
      data: {
        labels: traffic.periods.map((b) => bucketLabel(b, traffic.interval)),
        datasets: [
          { label: words().succeeded, data: traffic.periods.map((b) => (byBucket.get(b.key) || { succeeded: 0 }).succeeded), borderColor: '#3d85c6', backgroundColor: '#3d85c6', tension: 0.2 },
          { label: words().failed, data: traffic.periods.map((b) => (byBucket.get(b.key) || { failed: 0 }).failed), borderColor: '#e06666', backgroundColor: '#e06666', tension: 0.2 },
        ],
      },
      options: { scales: { x: { reverse: rtl }, y: { beginAtZero: true, position: rtl ? 'right' : 'left' } } },
    });

    chart('chart-outcomes', {
      type: 'doughnut',
      data: {
        labels: outcomes.rows.map((r) => outcomeName(r.outcome)),
        datasets: [{ data: outcomes.rows.map((r) => r.count), backgroundColor: outcomes.rows.map((r) => OUTCOME_COLOURS[r.outcome] || '#999') }],
      },
      options: { plugins: { legend: { position: 'bottom' } } },
    });

    chart('chart-consumers', barsOf(consumers.rows, (r, labels) => agencyName(r.consumer, labels), consumers.labels));
    fillTable('top-consumers', consumers.rows, (tr, r) => {
      tr.dataset.key = r.consumer;
      cell(tr, agencyName(r.consumer, consumers.labels), undefined, 'name');
      cell(tr, number(r.count), r.count, 'count');
      cell(tr, number(r.succeeded), r.succeeded, 'succeeded');
      cell(tr, number(r.failed), r.failed, 'failed');
    });

    chart('chart-services', barsOf(services.rows, (r, labels) => serviceTitle(r.registry, r.service, labels), services.labels));
    fillTable('top-services', services.rows, (tr, r) => {
      tr.dataset.key = `${r.registry}/${r.service}`;
      cell(tr, serviceName(r.registry, r.service, services.labels), undefined, 'name');
      cell(tr, number(r.count), r.count, 'count');
      cell(tr, number(r.succeeded), r.succeeded, 'succeeded');
      cell(tr, number(r.failed), r.failed, 'failed');
    });

    const measured = levels.rows.filter((r) => r.latencyP50Ms !== null);
    chart('chart-latency', {
      type: 'bar',
      data: {
        labels: measured.map((r) => serviceTitle(r.registry, r.service, levels.labels)),
        datasets: [
          { label: 'p50', data: measured.map((r) => r.latencyP50Ms), backgroundColor: '#93c47d' },
          { label: 'p95', data: measured.map((r) => r.latencyP95Ms), backgroundColor: '#f6b26b' },
          { label: 'p99', data: measured.map((r) => r.latencyP99Ms), backgroundColor: '#e06666' },
        ],
      },
      options: { scales: { x: { reverse: rtl }, y: { beginAtZero: true, position: rtl ? 'right' : 'left' } } },
    });

    fillTable('service-levels', levels.rows, (tr, r) => {
      tr.dataset.key = `${r.registry}/${r.service}`;
      cell(tr, serviceName(r.registry, r.service, levels.labels), undefined, 'name');
      cell(tr, agencyName(r.provider, levels.labels), r.provider, 'provider');
      for (const field of ['exchanges', 'answered', 'refused', 'providerFailures']) cell(tr, number(r[field]), r[field], field);
      cell(tr, percent(r.availability), r.availability, 'availability');
      cell(tr, percent(r.errorRate), r.errorRate, 'errorRate');
      for (const field of ['latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms']) cell(tr, number(r[field], 2), r[field], field);
    });

    fillTable('notifications', state.reports.notifications.agencies, (tr, r) => {
      tr.dataset.key = r.agency;
      cell(tr, agencyName(r.agency), r.agency, 'agency');
      for (const field of ['events', 'deliveries', 'failedAttempts']) cell(tr, number(r[field]), r[field], field);
      cell(tr, r.sameDayShare === null ? '–' : percent(r.sameDayShare), r.sameDayShare, 'sameDayShare');
      cell(tr, number(r.lapsed), r.lapsed, 'lapsed');
    });

    fillTable('agencies', state.agencies, (tr, a) => {
      tr.dataset.key = a.id;
      cell(tr, a.name[state.lang], undefined, 'name');
      cell(tr, a.roles.map((role) => words().role[role] || role).join('، '), undefined, 'roles');
      const links = tr.insertCell();
      if (!a.reportable) return;
      for (const format of ['html', 'pdf']) {
        const link = document.createElement('a');
        const query = new URLSearchParams({ ...periodParams(), lang: state.lang, format });
        link.href = `/v1/reports/agencies/${encodeURIComponent(a.id)}/printable?${query}`;
        link.textContent = format === 'pdf' ? words().pdf : words().openPrintable;
        link.dataset.testid = `printable-${format}-${a.id}`;
        link.addEventListener('click', (event) => {
          event.preventDefault();
          openPrintable(a.id, format);
        });
        links.append(link, ' ');
      }
    });
  }

  const governance = window.NixGovernance.create({
    $,
    api,
    send,
    words,
    number,
    agencyName: (id) => agencyName(id),
    serviceName: (registry, service) => serviceName(registry, service),
    services: () => state.services,
    cell,
    fillTable,
    download,
    showProblem,
  });

  const cataloguePages = window.NixCatalogue.create({ $, api, send, words, showProblem });

  // ---- start -------------------------------------------------------------------------------

  function start() {
    Chart.defaults.font.family = FONT;
    $('language').addEventListener('click', () => {
      state.lang = state.lang === 'fa' ? 'en' : 'fa';
      localStorage.setItem(LANG_STORAGE, state.lang);
      applyLanguage();
    });
    $('sign-out').addEventListener('click', signOut);
    for (const tab of document.querySelectorAll('#views button[data-view]')) tab.addEventListener('click', () => showView(tab.dataset.view));
    $('key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      signIn($('api-key').value.trim());
    });
    for (const id of ['period', 'from', 'to', 'agency', 'service']) $(id).addEventListener('change', () => {
      fillFilters();
      refresh();
    });
    $('registry').addEventListener('change', () => {
      $('service').value = '';
      fillFilters();
      refresh();
    });
    $('filters').addEventListener('submit', (event) => event.preventDefault());
    $('download-csv').addEventListener('click', downloadCsv);
    applyLanguage();
    if (state.key) {
      signIn(state.key);
    } else {
      state.views = SIGNED_OUT_VIEWS;
      $('views').hidden = false;
      showView(location.hash === '#catalogue' ? 'catalogue' : 'sign-in');
      setState('signed-out');
    }
  }

  start();
})();
