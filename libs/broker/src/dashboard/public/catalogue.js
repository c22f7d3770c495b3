// The catalogue pages (issue 12): the public catalogue (every service, its versions, schemas, examples, LOA, hours,
// data-protection statement and status) and the custodian's publishing page (publish, deprecate, announce
// maintenance). A classic script loaded before dashboard.js, which creates the pages with its helpers.
(() => {
  'use strict';
  const ZONE = 'Asia/Tehran';

  /** A body a custodian starts from when its service has no version yet. */
  const TEMPLATE = {
    title: { fa: '', en: '' },
    description: { fa: '', en: '' },
    request: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', additionalProperties: false, required: [], properties: {}, examples: [{}] },
    response: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', additionalProperties: false, required: [], properties: {}, examples: [{}] },
    timeoutMs: 3000,
    loa: null,
    hours: '24x7',
    dataProtectionStatement: 'https://',
    binding: { kind: 'http', method: 'GET', url: 'https://', response: {} },
  };
  const BODY_FIELDS = Object.keys(TEMPLATE);

  function create(page) {
    const { $, api, send, words } = page;
    let caller = null;
    /** The registries this caller keeps, as GET /v1/registries lists them. */
    let own = [];
    /** The public catalogue as last read: services, their status and versions. */
    let shown = null;
    /** The chosen service's versions, as its custodian reads them (with their bindings). */
    let versions = [];

    const fa = () => document.documentElement.lang === 'fa';
    const lang = () => (fa() ? 'fa' : 'en');

    function el(tag, props = {}, children = []) {
      const node = document.createElement(tag);
      for (const [key, value] of Object.entries(props)) {
        if (key === 'text') node.textContent = value;
        else if (key.startsWith('data-') || key === 'dir') node.setAttribute(key, value);
        else node[key] = value;
      }
      for (const child of children) node.append(child);
      return node;
    }

    /** An instant in the page's language: Solar Hijri in Persian, Gregorian in English, Tehran time. */
    function when(iso) {
      return new Intl.DateTimeFormat(`${fa() ? 'fa-IR' : 'en-GB'}-u-ca-${fa() ? 'persian' : 'gregory'}`, { timeZone: ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
    }

    const time = (iso, testId) => el('time', { dateTime: iso, text: when(iso), ...(testId ? { 'data-testid': testId } : {}) });
    const list = (values) => values.join(fa() ? '، ' : ', ');

    /** Clock times (HH:MM) in the page's digits. */
    const digits = (value) => (fa() ? value.replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]) : value);

    function hoursText(hours) {
      const w = words();
      if (hours === '24x7') return w.aroundTheClock;
      return `${hours.map((span) => `${list(span.days.map((d) => w.weekday[d] || d))} ${digits(span.from)}–${digits(span.until)}`).join(fa() ? '؛ ' : '; ')} (${w.tehranTime})`;
    }

    const loaText = (loa) => (loa ? words().loaName[loa] : words().loaNone);

    /** A JSON document, readable and folded until asked for. */
    function folded(label, value, testId) {
      return el('details', { className: 'json', 'data-testid': testId }, [el('summary', { text: label }), el('pre', { dir: 'ltr', text: JSON.stringify(value, null, 2) })]);
    }

    // ---- the public catalogue ----------------------------------------------------------------

    async function publicJson(path) {
      const response = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-cache' });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail || body.title || String(response.status));
      return body;
    }

    /** Reads overlap (a tab opened, a publication); only the last one shown counts. */
    let reads = 0;

    async function load() {
      const read = ++reads;
      document.body.dataset.catalogue = 'loading';
      try {
        const [services, status] = await Promise.all([publicJson('/v1/services'), publicJson('/v1/status')]);
        const versions = await Promise.all(services.services.map((s) => publicJson(`/v1/services/${encodeURIComponent(s.registry)}/${encodeURIComponent(s.service)}/versions`)));
        if (read !== reads) return;
        shown = {
          services: services.services.map((s, i) => ({
            ...s,
            versions: versions[i].versions,
            status: status.services.find((t) => t.registry === s.registry && t.service === s.service) || null,
          })),
        };
        $('catalogue-problem').hidden = true;
        render();
        document.body.dataset.catalogue = 'ready';
      } catch (error) {
        if (read !== reads) return;
        $('catalogue-problem').textContent = error.message;
        $('catalogue-problem').hidden = false;
        document.body.dataset.catalogue = 'error';
      }
    }

    function versionItem(v) {
      const w = words();
      const deprecated = v.deprecation !== null;
      const retired = deprecated && Date.parse(v.deprecation.sunset) <= Date.now();
      const notes = [];
      if (deprecated) {
        notes.push(
          el('span', { className: 'badge deprecated', 'data-testid': 'deprecated', text: retired ? w.retired : w.deprecated }),
          ` ${w.sunset}: `,
          time(v.deprecation.sunset, 'sunset'),
        );
        if (v.deprecation.successor) notes.push(` · ${w.successor}: `, el('bdi', { 'data-testid': 'successor', text: v.deprecation.successor }));
      }
      return el('li', { className: 'version', 'data-testid': 'version', 'data-version': v.version, 'data-deprecated': String(deprecated) }, [
        el('div', { className: 'version-head' }, [
          el('strong', { dir: 'ltr', text: v.version }),
          ` · ${w.publishedAt} `,
          time(v.publishedAt),
          ` · ${w.loa}: `,
          el('span', { 'data-testid': 'version-loa', text: loaText(v.loa) }),
          ...(notes.length ? [el('div', { className: 'version-notes' }, notes)] : []),
        ]),
        el('div', { className: 'schemas' }, [
          folded(w.requestSchema, v.request, 'request-schema'),
          folded(w.responseSchema, v.response, 'response-schema'),
          folded(w.examples, { request: v.request.examples || [], response: v.response.examples || [] }, 'examples'),
        ]),
      ]);
    }

    function serviceCard(s) {
      const w = words();
      const newest = s.versions[s.versions.length - 1];
      const state = s.status ? s.status.state : 'unknown';
      const maintenance = s.status ? s.status.upcomingMaintenance : [];
      return el('article', { className: 'card catalogue-service', 'data-testid': 'catalogue-service', 'data-registry': s.registry, 'data-service': s.service, 'data-state': state }, [
        el('h3', {}, [el('span', { text: `${s.registryTitle[lang()]} — ${s.title[lang()]}` }), ' ', el('span', { className: 'badge', 'data-state': state, 'data-testid': 'service-state', text: w.serviceState[state] || state })]),
        el('p', { className: 'hint' }, [el('bdi', { dir: 'ltr', text: `${s.registry}/${s.service}` }), ` · ${w.custodian}: `, el('bdi', { text: s.custodian.name[lang()] })]),
        el('p', { dir: 'auto', text: s.description[lang()] }),
        el('dl', { className: 'facts' }, [
          el('dt', { text: w.loa }),
          el('dd', { 'data-testid': 'loa', 'data-value': newest.loa || '', text: loaText(newest.loa) }),
          el('dt', { text: w.hours }),
          el('dd', { 'data-testid': 'hours', text: hoursText(newest.hours) }),
          el('dt', { text: w.dataProtection }),
          el('dd', {}, [el('a', { href: newest.dataProtectionStatement, target: '_blank', rel: 'noopener noreferrer', dir: 'ltr', 'data-testid': 'statement', text: newest.dataProtectionStatement })]),
          el('dt', { text: w.timeout }),
          el('dd', { text: `${new Intl.NumberFormat(fa() ? 'fa-IR' : 'en-GB').format(newest.timeoutMs)} ${w.milliseconds}` }),
          el('dt', { text: w.upcomingMaintenance }),
          el(
            'dd',
            { 'data-testid': 'maintenance' },
            maintenance.length === 0
              ? [w.noMaintenance]
              : maintenance.map((m) => el('div', { 'data-testid': 'maintenance-window' }, [time(m.from), ' – ', time(m.until), ': ', el('bdi', { text: m.note[lang()] })])),
          ),
        ]),
        el('h4', { text: w.versions }),
        el('ol', { className: 'versions', 'data-testid': 'versions' }, s.versions.map(versionItem)),
      ]);
    }

    function renderCatalogue() {
      if (!shown) return;
      // Open folds stay open when the language changes.
      const open = new Set([...document.querySelectorAll('#catalogue-services details[open]')].map((d) => d.closest('[data-version]') && `${d.closest('[data-registry]').dataset.registry}/${d.closest('[data-service]').dataset.service}@${d.closest('[data-version]').dataset.version}/${d.dataset.testid}`));
      $('catalogue-services').replaceChildren(...shown.services.map(serviceCard));
      for (const details of document.querySelectorAll('#catalogue-services details')) {
        const key = `${details.closest('[data-registry]').dataset.registry}/${details.closest('[data-service]').dataset.service}@${details.closest('[data-version]').dataset.version}/${details.dataset.testid}`;
        if (open.has(key)) details.open = true;
      }
    }

    // ---- the custodian's publishing page -------------------------------------------------------

    /** The publishing page opens for a provider that keeps a registry (with services or none yet). */
    async function start(who) {
      caller = who;
      if (!who.roles.includes('provider')) return [];
      own = (await publicJson('/v1/registries')).registries.filter((r) => r.custodian === who.id);
      if (own.length === 0) return [];
      const select = $('publish-registry');
      select.replaceChildren(...own.map((r) => new Option(r.registry, r.registry)));
      fillServices();
      await chooseService();
      return ['publishing'];
    }

    function chosen() {
      return { registry: $('publish-registry').value, service: $('publish-service').value.trim() };
    }

    const servicePath = ({ registry, service }) => `/v1/services/${encodeURIComponent(registry)}/${encodeURIComponent(service)}`;

    function fillServices() {
      const registry = own.find((r) => r.registry === $('publish-registry').value);
      $('publish-services').replaceChildren(...(registry ? registry.services : []).map((s) => new Option(s, s)));
      if (!$('publish-service').value && registry && registry.services.length) $('publish-service').value = registry.services[0];
    }

    /** Reads the chosen service's versions (none for a new service) and starts the editor from the newest. */
    async function chooseService() {
      const service = chosen();
      versions = [];
      if (/^[a-z][a-z0-9-]{0,39}$/.test(service.service)) {
        try {
          versions = (await api(`${servicePath(service)}/versions`)).versions;
        } catch (error) {
          if (error.status !== 404) throw error;
        }
      }
      const newest = versions[versions.length - 1];
      const body = newest ? Object.fromEntries(BODY_FIELDS.map((field) => [field, newest[field]])) : TEMPLATE;
      $('publish-body').value = JSON.stringify(body, null, 2);
      $('publish-version').placeholder = newest ? nextMinor(newest.version) : '1.0.0';
      renderPublishing();
      // Which service the editor was filled for (the page's tests wait on it).
      $('publish-form').dataset.service = `${service.registry}/${service.service}`;
    }

    function nextMinor(version) {
      const [major, minor] = version.split('.').map(Number);
      return `${major}.${minor + 1}.0`;
    }

    function renderPublishing() {
      const w = words();
      const known = versions.map((v) => v.version);
      const options = (select, values, none) => {
        const kept = select.value;
        select.replaceChildren(...(none ? [new Option(none, '')] : []), ...values.map((v) => new Option(v, v)));
        if ([...select.options].some((o) => o.value === kept)) select.value = kept;
      };
      options($('deprecate-version'), known.filter((v) => !versions.find((x) => x.version === v).deprecation));
      options($('deprecate-successor'), known, w.noSuccessor);
      $('publishing-versions').textContent = known.length ? list(known) : w.noVersionsYet;
    }

    function clearErrors(form) {
      for (const box of form.querySelectorAll('[data-error-for]')) {
        box.hidden = true;
        box.replaceChildren();
      }
      for (const notice of form.querySelectorAll('.notice')) notice.hidden = true;
    }

    /**
     * A refusal's field errors, each next to its input: the error of /note/fa beside the note in Persian, of
     * /request/examples/0 beside the body (the editor holds it); the rest in the form's general box.
     */
    function showErrors(form, error) {
      const fields = (error.problem && error.problem.errors) || [];
      const boxFor = (pointer) => {
        const parts = pointer.split('/').slice(1);
        for (let n = parts.length; n > 0; n--) {
          const box = form.querySelector(`[data-error-for="${parts.slice(0, n).join('/')}"]`);
          if (box) return box;
        }
        return form.querySelector('[data-error-for=""]');
      };
      const entries = fields.length ? fields : [{ pointer: '', detail: `${error.status ? `${error.status} ` : ''}${error.message}` }];
      for (const e of entries) {
        const box = boxFor(e.pointer || '');
        box.append(el('span', { 'data-testid': 'field-error', 'data-pointer': e.pointer || '' }, [el('bdi', { dir: 'ltr', text: e.pointer || '' }), e.pointer ? ': ' : '', el('bdi', { text: e.detail })]));
        box.hidden = false;
      }
    }

    function done(form, message) {
      const notice = form.querySelector('.notice');
      notice.textContent = message;
      notice.hidden = false;
    }

    /** A local date and time (the browser's, Tehran's for its users) as an RFC 3339 instant. */
    const instant = (value) => (value ? new Date(value).toISOString() : value);

    async function submit(form, run) {
      clearErrors(form);
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      form.dataset.state = 'sending';
      try {
        await run();
        form.dataset.state = 'done';
      } catch (error) {
        showErrors(form, error);
        form.dataset.state = 'refused';
      } finally {
        button.disabled = false;
      }
    }

    async function publish() {
      const form = $('publish-form');
      let body;
      try {
        body = JSON.parse($('publish-body').value);
      } catch (error) {
        throw { status: 0, message: `${words().invalidJson}: ${error.message}`, problem: { errors: [{ pointer: '', detail: `${words().invalidJson}: ${error.message}` }] } };
      }
      const version = $('publish-version').value.trim() || $('publish-version').placeholder;
      const service = chosen();
      await send('PUT', `${servicePath(service)}/versions/${encodeURIComponent(version)}`, body);
      const registry = own.find((r) => r.registry === service.registry);
      if (!registry.services.includes(service.service)) registry.services.push(service.service);
      $('publish-version').value = '';
      fillServices();
      await chooseService();
      done(form, `${words().publishedNotice}: ${service.registry}/${service.service} ${version}`);
      void load();
    }

    async function deprecate() {
      const version = $('deprecate-version').value;
      const body = { sunset: instant($('deprecate-sunset').value), successor: $('deprecate-successor').value || null };
      await send('POST', `${servicePath(chosen())}/versions/${encodeURIComponent(version)}/deprecation`, body);
      await chooseService();
      done($('deprecate-form'), `${words().deprecatedNotice}: ${version}`);
      void load();
    }

    async function announce() {
      const body = { from: instant($('maintenance-from').value), until: instant($('maintenance-until').value), note: { fa: $('maintenance-note-fa').value, en: $('maintenance-note-en').value } };
      await send('POST', `${servicePath(chosen())}/maintenance`, body);
      done($('maintenance-form'), words().announcedNotice);
      void load();
    }

    function render() {
      renderCatalogue();
      if (caller && own.length) renderPublishing();
    }

    const onSubmit = (form, run) =>
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        void submit(form, run);
      });
    onSubmit($('publish-form'), publish);
    onSubmit($('deprecate-form'), deprecate);
    onSubmit($('maintenance-form'), announce);
    $('publish-registry').addEventListener('change', () => {
      $('publish-service').value = '';
      fillServices();
      void chooseService().catch(page.showProblem);
    });
    $('publish-service').addEventListener('change', () => void chooseService().catch(page.showProblem));

    return { load, start, render };
  }

  window.NixCatalogue = { create };
})();
