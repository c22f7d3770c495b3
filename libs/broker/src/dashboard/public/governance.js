// The governance pages (issue 11): what the caller's agency may do, drawn from the governance API's answers.
// A classic script loaded before dashboard.js, which creates the pages with its helpers. The data stays in memory.
(() => {
  'use strict';
  const AUDIT_PAGE = 1000;

  /** The pages a caller's roles open: a consumer's, a custodian's (it holds a catalogued registry), the working group's. */
  function viewsOf(caller, services) {
    const views = [];
    if (caller.roles.includes('consumer')) views.push('agency');
    if (caller.roles.includes('provider') && services.some((s) => s.custodian.id === caller.id)) views.push('custodian');
    if (caller.roles.includes('working-group')) views.push('working-group');
    return views;
  }

  function create(page) {
    const { $, api, send, words, number, agencyName, serviceName, cell, fillTable, download, showProblem } = page;
    let views = [];
    let caller = null;
    let loaded = null;

    const stateName = (status) => words().stateName[status] || status;
    const shown = (values) => values.join(document.documentElement.lang === 'fa' ? '، ' : ', ');

    function day(date) {
      if (!date) return words().noEnd;
      const fa = document.documentElement.lang === 'fa';
      return new Intl.DateTimeFormat(`${fa ? 'fa-IR' : 'en-GB'}-u-ca-${fa ? 'persian' : 'gregory'}`, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(
        new Date(`${date}T00:00:00Z`),
      );
    }

    function moment(iso) {
      const fa = document.documentElement.lang === 'fa';
      return new Intl.DateTimeFormat(`${fa ? 'fa-IR' : 'en-GB'}-u-ca-${fa ? 'persian' : 'gregory'}`, { timeZone: 'Asia/Tehran', dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));
    }

    /** Free text (the API's or a person's) keeps its own direction inside the page's. */
    function text(tr, value, field) {
      const td = cell(tr, '', undefined, field);
      td.append(isolated(value));
      return td;
    }

    function statusCell(tr, status) {
      const td = cell(tr, stateName(status), undefined, 'status');
      td.dataset.value = status;
      td.className = `status status-${status}`;
      return td;
    }

    function button(testId, label, onClick, kind = '') {
      const element = document.createElement('button');
      element.type = 'button';
      element.textContent = label;
      element.dataset.testid = testId;
      if (kind) element.className = kind;
      element.addEventListener('click', onClick);
      return element;
    }

    function input(testId, placeholder, kind = 'text') {
      const element = document.createElement(kind === 'textarea' ? 'textarea' : 'input');
      if (kind !== 'textarea') element.type = kind;
      element.placeholder = placeholder;
      element.dir = 'auto';
      element.setAttribute('aria-label', placeholder);
      element.dataset.testid = testId;
      return element;
    }

    /** Where a row's own answer goes: a refused step names its field next to the inputs. */
    function rowError(td, key) {
      const span = document.createElement('span');
      span.className = 'field-error';
      span.dataset.testid = `error-${key}`;
      span.hidden = true;
      td.append(span);
      return span;
    }

    /** The API's words (English) kept in their own direction inside a Persian sentence. */
    function isolated(value) {
      const bdi = document.createElement('bdi');
      bdi.textContent = value;
      return bdi;
    }

    /** A refused step's field errors, each as "field: detail"; else the problem's status and detail. */
    function showRefusal(box, error) {
      const fields = (error.problem && error.problem.errors) || [];
      box.replaceChildren(...(fields.length ? fields.map((e) => isolated(`${e.pointer.slice(1) || words().invalidValue}: ${e.detail}`)) : [isolated(`${error.status ? `${error.status} ` : ''}${error.message}`)]));
      box.hidden = false;
    }

    /** Runs one governance step, then reloads what every page shows; a refusal stays next to the row's inputs. */
    async function step(errorBox, method, path, body) {
      errorBox.hidden = true;
      // One step at a time per row: a second click must not send the step twice.
      const buttons = [...errorBox.closest('tr').querySelectorAll('button')];
      for (const b of buttons) b.disabled = true;
      try {
        await send(method, path, body);
        await load();
      } catch (error) {
        showRefusal(errorBox, error);
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    }

    // ---- loading -----------------------------------------------------------------------------

    async function auditLog() {
      const entries = [];
      let after;
      do {
        const page = await api('/v1/audit', { limit: AUDIT_PAGE, after });
        entries.push(...page.entries);
        after = page.next === null ? undefined : page.next;
      } while (after !== undefined);
      return entries;
    }

    async function load() {
      document.body.dataset.governance = 'loading';
      try {
        const wg = views.includes('working-group');
        const [agreements, requests, disputes, serviceRequests, audit] = await Promise.all([
          views.includes('agency') || wg ? api('/v1/agreements') : { agreements: [] },
          api('/v1/access-requests'),
          wg || views.includes('agency') ? api('/v1/disputes') : { disputes: [] },
          wg || views.includes('agency') ? api('/v1/service-requests') : { serviceRequests: [] },
          wg ? auditLog() : [],
        ]);
        loaded = { agreements: agreements.agreements, requests: requests.accessRequests, disputes: disputes.disputes, serviceRequests: serviceRequests.serviceRequests, audit };
        render();
        document.body.dataset.governance = 'ready';
      } catch (error) {
        showProblem(error);
        document.body.dataset.governance = 'error';
      }
    }

    // ---- the agency's page ---------------------------------------------------------------------

    function agreementRow(tr, a, withConsumer) {
      tr.dataset.key = a.id;
      if (withConsumer) cell(tr, agencyName(a.consumer), undefined, 'consumer').dataset.value = a.consumer;
      cell(tr, serviceName(a.registry, a.service), undefined, 'service').dataset.value = `${a.registry}/${a.service}`;
      cell(tr, shown(a.dataItems), undefined, 'dataItems').dataset.value = a.dataItems.join(',');
      cell(tr, shown(a.purposes), undefined, 'purposes').dataset.value = a.purposes.join(',');
      cell(tr, number(a.dailyQuota, 0), a.dailyQuota, 'dailyQuota');
      cell(tr, `${day(a.validFrom)} – ${day(a.validUntil)}`, undefined, 'validity');
      text(tr, a.resolution || '–', 'resolution');
      statusCell(tr, a.status);
    }

    function renderAgency() {
      fillTable('my-agreements', loaded.agreements.filter((a) => a.consumer === caller.id), (tr, a) => agreementRow(tr, a, false));
      fillTable('catalogue', page.services(), (tr, s) => {
        const key = `${s.registry}/${s.service}`;
        tr.dataset.key = key;
        cell(tr, serviceName(s.registry, s.service), undefined, 'service');
        cell(tr, s.custodian.name[document.documentElement.lang] || s.custodian.id, undefined, 'custodian').dataset.value = s.custodian.id;
        cell(tr, shown(s.dataItems), undefined, 'dataItems');
        tr.insertCell().append(button(`request-${s.registry}-${s.service}`, words().requestAccess, () => openRequestForm(key)));
      });
      fillTable('my-requests', loaded.requests.filter((r) => r.consumer === caller.id), (tr, r) => {
        tr.dataset.key = r.id;
        text(tr, r.id, 'id');
        cell(tr, serviceName(r.registry, r.service), undefined, 'service').dataset.value = `${r.registry}/${r.service}`;
        cell(tr, shown(r.dataItems), undefined, 'dataItems').dataset.value = r.dataItems.join(',');
        cell(tr, shown(r.purposes), undefined, 'purposes').dataset.value = r.purposes.join(',');
        cell(tr, number(r.dailyQuota, 0), r.dailyQuota, 'dailyQuota');
        text(tr, r.resolution || '–', 'resolution');
        statusCell(tr, r.status);
      });
      fillServiceChoice();
      renderAgencyCases();
    }

    function fillServiceChoice() {
      const select = $('request-service');
      const chosen = select.value;
      select.replaceChildren(...page.services().map((s) => new Option(serviceName(s.registry, s.service), `${s.registry}/${s.service}`)));
      if (chosen) select.value = chosen;
    }

    function chosenEntry() {
      const [registry, service] = $('request-service').value.split('/');
      return page.services().find((s) => s.registry === registry && s.service === service);
    }

    function fillItems() {
      const entry = chosenEntry();
      const box = $('request-items');
      box.replaceChildren();
      for (const item of entry ? entry.dataItems : []) {
        const label = document.createElement('label');
        const check = document.createElement('input');
        check.type = 'checkbox';
        check.name = 'dataItem';
        check.value = item;
        check.dataset.testid = `item-${item}`;
        label.append(check, ` ${item}`);
        box.append(label);
      }
    }

    function clearFieldErrors(form) {
      for (const box of form.querySelectorAll('[data-error-for]')) {
        box.hidden = true;
        box.replaceChildren();
      }
    }

    /** Puts each field error of a 400 next to its field; the problem box shows whatever has no field on the form. */
    function placeFieldErrors(form, error) {
      const fields = (error.problem && error.problem.errors) || [];
      let placed = 0;
      for (const e of fields) {
        const box = form.querySelector(`[data-error-for="${CSS.escape(e.pointer.split('/')[1] || '')}"]`);
        if (!box) continue;
        const line = document.createElement('span');
        line.append(`${words().invalidValue}: `, isolated(e.detail));
        box.append(line);
        box.hidden = false;
        placed += 1;
      }
      showProblem(placed === fields.length && placed > 0 ? null : error);
    }

    /** A form's submit: one at a time (a double click sends once), its field errors beside the fields. */
    function onSubmit(form, run) {
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const submit = form.querySelector('button[type="submit"]');
        if (submit.disabled) return;
        submit.disabled = true;
        clearFieldErrors(form);
        try {
          await run();
          showProblem(null);
        } catch (error) {
          placeFieldErrors(form, error);
        } finally {
          submit.disabled = false;
        }
      });
    }

    function openRequestForm(key) {
      fillServiceChoice();
      $('request-service').value = key;
      fillItems();
      clearFieldErrors($('access-request-form'));
      $('request-filed').hidden = true;
      $('access-request').hidden = false;
      $('access-request').scrollIntoView({ block: 'nearest' });
      $('request-purposes').focus();
    }

    function requestBody() {
      const entry = chosenEntry();
      const optional = (id) => $(id).value.trim() || undefined;
      const quota = $('request-quota').value.trim();
      return {
        registry: entry ? entry.registry : undefined,
        service: entry ? entry.service : undefined,
        dataItems: [...document.querySelectorAll('#request-items input:checked')].map((c) => c.value),
        purposes: $('request-purposes').value.split(/[\s,،]+/).filter(Boolean),
        dailyQuota: quota === '' ? undefined : Number(quota),
        validFrom: optional('request-valid-from'),
        validUntil: optional('request-valid-until'),
        justification: $('request-justification').value.trim(),
      };
    }

    async function fileRequest() {
      $('request-filed').hidden = true;
      const filed = await send('POST', '/v1/access-requests', requestBody());
      $('access-request-form').reset();
      $('request-service').value = `${filed.registry}/${filed.service}`;
      fillItems();
      $('request-filed').textContent = `${words().requestFiled}: ${filed.id} (${stateName(filed.status)})`;
      $('request-filed').dataset.value = filed.id;
      $('request-filed').hidden = false;
      await load();
    }

    async function submitServiceRequest() {
      await send('POST', '/v1/service-requests', { description: $('service-description').value.trim() });
      $('service-request-form').reset();
      await load();
    }

    async function raiseDispute() {
      const [kind, ...id] = $('dispute-subject').value.split(':');
      await send('POST', '/v1/disputes', { subject: kind ? { kind, id: id.join(':') } : undefined, statement: $('dispute-statement').value.trim() });
      $('dispute-form').reset();
      await load();
    }

    function triageText(s) {
      if (s.status === 'accepted') return `${words().custodian}: ${agencyName(s.assignedCustodian)}`;
      if (s.status === 'rejected') return `${words().reason}: ${s.reason}`;
      return '–';
    }

    function subjectText(subject) {
      return `${words().subjectKind[subject.kind] || subject.kind} ${subject.id}`;
    }

    /** The agency's own service requests and disputes, and what it may dispute: its agreements and requests. */
    function renderAgencyCases() {
      fillTable('my-service-requests', loaded.serviceRequests.filter((s) => s.requester === caller.id), (tr, s) => {
        tr.dataset.key = s.id;
        text(tr, s.description, 'description');
        statusCell(tr, s.status);
        text(tr, triageText(s), 'triage');
      });
      fillTable('my-disputes', loaded.disputes.filter((d) => d.raisedBy === caller.id), (tr, d) => {
        tr.dataset.key = d.id;
        cell(tr, subjectText(d.subject), undefined, 'subject').dataset.value = `${d.subject.kind}:${d.subject.id}`;
        text(tr, d.statement, 'statement');
        statusCell(tr, d.status);
        text(tr, d.resolution || '–', 'resolution');
      });
      const select = $('dispute-subject');
      const chosen = select.value;
      const subjects = [
        ...loaded.agreements.filter((a) => a.consumer === caller.id).map((a) => [`agreement:${a.id}`, `${words().subjectKind.agreement}: ${serviceName(a.registry, a.service)} (${a.id})`]),
        ...loaded.requests.filter((r) => r.consumer === caller.id).map((r) => [`access-request:${r.id}`, `${words().subjectKind['access-request']}: ${serviceName(r.registry, r.service)} (${r.id})`]),
      ];
      select.replaceChildren(new Option('–', ''), ...subjects.map(([value, label]) => new Option(label, value)));
      if (subjects.some(([value]) => value === chosen)) select.value = chosen;
    }

    // ---- the custodian's page ------------------------------------------------------------------

    function requestCells(tr, r) {
      tr.dataset.key = r.id;
      text(tr, r.id, 'id');
      cell(tr, agencyName(r.consumer), undefined, 'consumer').dataset.value = r.consumer;
      cell(tr, serviceName(r.registry, r.service), undefined, 'service').dataset.value = `${r.registry}/${r.service}`;
      cell(tr, shown(r.dataItems), undefined, 'dataItems').dataset.value = r.dataItems.join(',');
    }

    function renderCustodian() {
      const mine = loaded.requests.filter((r) => r.custodian === caller.id);
      fillTable('consent-queue', mine.filter((r) => r.status === 'pending-custodian'), (tr, r) => {
        requestCells(tr, r);
        cell(tr, shown(r.purposes), undefined, 'purposes');
        cell(tr, number(r.dailyQuota, 0), r.dailyQuota, 'dailyQuota');
        text(tr, r.justification, 'justification');
        const note = input(`note-${r.id}`, words().note, 'textarea');
        tr.insertCell().append(note);
        const actions = tr.insertCell();
        const error = rowError(actions, r.id);
        const body = () => (note.value.trim() ? { note: note.value.trim() } : {});
        const path = (to) => `/v1/access-requests/${encodeURIComponent(r.id)}/${to}`;
        actions.prepend(
          button(`consent-${r.id}`, words().consent, () => step(error, 'POST', path('consent'), body()), 'positive'),
          button(`refuse-${r.id}`, words().refuse, () => step(error, 'POST', path('refusal'), body()), 'negative'),
        );
      });
      fillTable('custodian-requests', mine, (tr, r) => {
        requestCells(tr, r);
        statusCell(tr, r.status);
      });
    }

    // ---- the working group's page --------------------------------------------------------------

    function renderWorkingGroup() {
      fillTable('decision-queue', loaded.requests.filter((r) => r.status === 'pending-working-group'), (tr, r) => {
        requestCells(tr, r);
        cell(tr, shown(r.purposes), undefined, 'purposes');
        cell(tr, number(r.dailyQuota, 0), r.dailyQuota, 'dailyQuota');
        text(tr, r.justification, 'justification');
        const resolution = input(`resolution-${r.id}`, words().resolution, 'textarea');
        tr.insertCell().append(resolution);
        const actions = tr.insertCell();
        const error = rowError(actions, r.id);
        const decide = (decision) => step(error, 'POST', `/v1/access-requests/${encodeURIComponent(r.id)}/decision`, { decision, resolution: resolution.value.trim() });
        actions.prepend(button(`approve-${r.id}`, words().approve, () => decide('approved'), 'positive'), button(`reject-${r.id}`, words().reject, () => decide('rejected'), 'negative'));
      });

      fillTable('disputes', loaded.disputes, (tr, d) => {
        tr.dataset.key = d.id;
        cell(tr, agencyName(d.raisedBy), undefined, 'raisedBy').dataset.value = d.raisedBy;
        cell(tr, subjectText(d.subject), undefined, 'subject').dataset.value = `${d.subject.kind}:${d.subject.id}`;
        text(tr, d.statement, 'statement');
        statusCell(tr, d.status);
        if (d.status !== 'open') {
          text(tr, d.resolution || '–', 'resolution');
          tr.insertCell();
          return;
        }
        const resolution = input(`dispute-resolution-${d.id}`, words().resolution, 'textarea');
        tr.insertCell().append(resolution);
        const actions = tr.insertCell();
        const error = rowError(actions, d.id);
        actions.prepend(
          button(`resolve-${d.id}`, words().resolve, () => step(error, 'POST', `/v1/disputes/${encodeURIComponent(d.id)}/resolution`, { resolution: resolution.value.trim() }), 'positive'),
        );
      });

      const custodians = [...new Map(page.services().map((s) => [s.custodian.id, s.custodian.name])).entries()];
      fillTable('service-requests', loaded.serviceRequests, (tr, s) => {
        tr.dataset.key = s.id;
        cell(tr, agencyName(s.requester), undefined, 'requester').dataset.value = s.requester;
        text(tr, s.description, 'description');
        statusCell(tr, s.status);
        if (s.status !== 'submitted') {
          text(tr, triageText(s), 'triage');
          tr.insertCell();
          return;
        }
        const custodian = document.createElement('select');
        custodian.dataset.testid = `custodian-${s.id}`;
        custodian.setAttribute('aria-label', words().chooseCustodian);
        custodian.add(new Option(words().chooseCustodian, ''));
        for (const [id, name] of custodians) custodian.add(new Option(name[document.documentElement.lang] || id, id));
        const reason = input(`reason-${s.id}`, words().reason);
        tr.insertCell().append(custodian, reason);
        const actions = tr.insertCell();
        const error = rowError(actions, s.id);
        const path = `/v1/service-requests/${encodeURIComponent(s.id)}/triage`;
        actions.prepend(
          button(`accept-${s.id}`, words().accept, () => step(error, 'POST', path, { outcome: 'accepted', custodian: custodian.value || undefined }), 'positive'),
          button(`reject-service-${s.id}`, words().reject, () => step(error, 'POST', path, { outcome: 'rejected', reason: reason.value.trim() || undefined }), 'negative'),
        );
      });

      // Only the working group changes an agreement, each change with the resolution that decided it (R6).
      const changes = { active: ['suspension', 'revocation'], suspended: ['reinstatement', 'revocation'], revoked: [] };
      fillTable('all-agreements', loaded.agreements, (tr, a) => {
        agreementRow(tr, a, true);
        const possible = changes[a.status] || [];
        if (possible.length === 0) {
          tr.insertCell();
          tr.insertCell();
          return;
        }
        const resolution = input(`agreement-resolution-${a.id}`, words().newResolution, 'textarea');
        tr.insertCell().append(resolution);
        const actions = tr.insertCell();
        const error = rowError(actions, a.id);
        actions.prepend(
          ...possible.map((change) =>
            button(`${change}-${a.id}`, words().agreementChange[change], () => step(error, 'POST', `/v1/agreements/${encodeURIComponent(a.id)}/${change}`, { resolution: resolution.value.trim() }), change === 'reinstatement' ? 'positive' : 'negative'),
          ),
        );
      });

      // Newest first: the log is read from the latest change back.
      fillTable('audit', [...loaded.audit].reverse(), (tr, e) => {
        tr.dataset.key = String(e.seq);
        cell(tr, number(e.seq, 0), e.seq, 'seq');
        cell(tr, moment(e.at), undefined, 'at').dataset.value = e.at;
        cell(tr, agencyName(e.actor), undefined, 'actor').dataset.value = e.actor;
        cell(tr, e.action, undefined, 'action').dataset.value = e.action;
        cell(tr, e.subject, undefined, 'subject').dataset.value = e.subject;
        for (const field of ['before', 'after']) {
          const td = tr.insertCell();
          td.dataset.field = field;
          td.append(valueOf(e[field]));
        }
      });
    }

    /** An audited value: its status (or its start) at a glance, the whole JSON a click away. */
    function valueOf(value) {
      if (value === null || value === undefined) return '–';
      const json = JSON.stringify(value);
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.dir = 'ltr';
      summary.textContent = value && typeof value === 'object' && typeof value.status === 'string' ? value.status : json.length > 48 ? `${json.slice(0, 48)}…` : json;
      const code = document.createElement('code');
      code.dir = 'ltr';
      code.textContent = json;
      details.append(summary, code);
      return details;
    }

    function render() {
      if (!loaded) return;
      if (views.includes('agency')) renderAgency();
      if (views.includes('custodian')) renderCustodian();
      if (views.includes('working-group')) renderWorkingGroup();
    }

    function start(who, services) {
      caller = who;
      views = viewsOf(who, services);
      return views;
    }

    /** The caller's exchanges of a tracking code (R9), as GET /v1/exchanges shows them. */
    async function trackExchanges() {
      const found = await api('/v1/exchanges', { trackingCode: $('tracking-code').value.trim() });
      const clock = (iso) =>
        new Intl.DateTimeFormat(document.documentElement.lang === 'fa' ? 'fa-IR' : 'en-GB', { timeZone: 'Asia/Tehran', timeStyle: 'medium' }).format(new Date(iso));
      fillTable('tracked-exchanges', found.exchanges, (tr, e) => {
        tr.dataset.key = e.exchangeId;
        cell(tr, moment(e.steps[0].at), undefined, 'receivedAt');
        cell(tr, e.service ? serviceName(e.registry, e.service) : words().unknown, undefined, 'service');
        cell(tr, `${words().outcome[e.outcome] || e.outcome} (${e.status})`, undefined, 'result').dataset.value = e.outcome;
        cell(tr, e.steps.map((s) => `${words().step[s.step] || s.step} ${clock(s.at)}`).join(document.documentElement.lang === 'fa' ? ' ← ' : ' → '), undefined, 'steps');
        text(tr, e.exchangeId, 'exchangeId');
      });
    }

    onSubmit($('track-form'), trackExchanges);
    onSubmit($('access-request-form'), fileRequest);
    onSubmit($('service-request-form'), submitServiceRequest);
    onSubmit($('dispute-form'), raiseDispute);
    $('request-service').addEventListener('change', () => {
      fillItems();
      clearFieldErrors($('access-request-form'));
    });
    $('request-cancel').addEventListener('click', () => {
      $('access-request-form').reset();
      clearFieldErrors($('access-request-form'));
      $('access-request').hidden = true;
    });
    $('download-audit').addEventListener('click', () => download('/v1/audit', { format: 'csv', limit: 10000 }, 'text/csv', 'nix-audit.csv'));

    return { start, load, render };
  }

  window.NixGovernance = { create, viewsOf };
})();
