// The runs dashboard: reads and drives the "inngest" Actuator endpoint. Every value from the
// server is put into the page as text (textContent), never as markup.
(function () {
  'use strict';

  const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];
  let endpoint = null;
  let runsCursor = null;
  let openRunId = null;
  let bulkFunction = null;
  let refreshTimer = null;
  // Whether the endpoint takes write operations; when it does not, no action is offered.
  let actions = false;

  const $ = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (name === 'text') {
        element.textContent = value;
      } else if (name.startsWith('on')) {
        element.addEventListener(name.substring(2), value);
      } else if (value !== null && value !== undefined) {
        element.setAttribute(name, value);
      }
    });
    children.forEach((child) => element.append(child instanceof Node ? child : document.createTextNode(String(child))));
    return element;
  }

  function status(value) {
    return el('span', { class: 'status ' + value, text: value });
  }

  function time(value) {
    return value ? new Date(value).toLocaleString() : '';
  }

  function isoFromLocal(value) {
    return value ? new Date(value).toISOString() : null;
  }

  function localInput(date) {
    const pad = (n) => String(n).padStart(2, '0');
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + 'T'
      + pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
  }

  function problem(message) {
    const box = $('problem');
    box.textContent = message || '';
    box.hidden = !message;
  }

  async function api(path, options) {
    const response = await fetch(endpoint + path, Object.assign({ headers: { 'Content-Type': 'application/json' } }, options));
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (ignored) {
      body = text;
    }
    if (!response.ok) {
      const detail = body && (body.message || body.error) ? (body.message || body.error) : response.statusText;
      throw new Error(response.status + ' ' + detail);
    }
    return body;
  }

  function show(tab) {
    document.querySelectorAll('.panel').forEach((panel) => { panel.hidden = panel.id !== tab; });
    document.querySelectorAll('.tab').forEach((button) => button.classList.toggle('active', button.dataset.tab === tab));
    if (tab === 'functions') loadFunctions();
    if (tab === 'runs') loadRuns(true);
    if (tab === 'history') loadHistory();
  }

  async function loadFunctions() {
    try {
      const data = await api('');
      const rows = $('function-rows');
      rows.replaceChildren();
      const select = $('filter-function');
      const chosen = select.value;
      select.replaceChildren(el('option', { value: '', text: 'All' }));
      data.functions.forEach((fn) => {
        select.append(el('option', { value: fn.id, text: fn.id }));
        const triggers = fn.events.concat(fn.crons.map((cron) => 'cron ' + cron)).join(', ')
          + (fn.condition ? ' if ' + fn.condition : '');
        const counts = Object.entries(fn.runs).map(([state, count]) => state + ' ' + count).join(' · ') || 'none';
        rows.append(el('tr', { 'data-function': fn.id },
          el('td', {}, el('strong', { text: fn.id }), fn.name && fn.name !== fn.id ? el('div', { text: fn.name }) : ''),
          el('td', { text: triggers }),
          el('td', { text: fn.retries }),
          el('td', { text: counts }),
          el('td', {},
            el('button', { type: 'button', text: 'Runs', onclick: () => { $('filter-function').value = fn.id; show('runs'); } }),
            actions ? ' ' : '',
            actions ? el('button', { type: 'button', class: 'danger bulk-cancel', text: 'Bulk cancel', onclick: () => openBulk(fn.id) }) : '')));
      });
      select.value = chosen;
      problem(null);
    } catch (error) {
      problem('Cannot read the inngest Actuator endpoint at ' + endpoint + ' (' + error.message
        + '). Expose it with management.endpoints.web.exposure.include=inngest.');
    }
  }

  function runQuery(cursor) {
    const params = new URLSearchParams({ limit: '50' });
    const fn = $('filter-function').value;
    const state = $('filter-status').value;
    const from = isoFromLocal($('filter-from').value);
    const to = isoFromLocal($('filter-to').value);
    if (fn) params.set('function', fn);
    if (state) params.set('status', state);
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    if (cursor) params.set('cursor', cursor);
    return '/runs?' + params;
  }

  async function loadRuns(fresh) {
    try {
      const page = await api(runQuery(fresh ? null : runsCursor));
      const rows = $('run-rows');
      if (fresh) rows.replaceChildren();
      page.runs.forEach((run) => {
        rows.append(el('tr', { class: 'clickable run-row', 'data-run-id': run.id, onclick: () => openRun(run.id) },
          el('td', { text: run.id }),
          el('td', { text: run.functionId }),
          el('td', {}, status(run.status)),
          el('td', { text: time(run.createdAt) }),
          el('td', { text: time(run.endedAt) })));
      });
      runsCursor = page.nextCursor || null;
      $('more-runs').hidden = !runsCursor;
      problem(null);
    } catch (error) {
      problem('Could not list runs: ' + error.message);
    }
  }

  async function openRun(runId) {
    openRunId = runId;
    try {
      const detail = await api('/runs/' + encodeURIComponent(runId));
      const run = detail.run;
      $('run-detail').hidden = false;
      $('detail-id').textContent = run.id;
      $('detail-status').textContent = run.status;
      $('detail-status').className = 'status ' + run.status;
      $('detail-summary').textContent = run.functionId + ' · created ' + time(run.createdAt)
        + (run.startedAt ? ' · started ' + time(run.startedAt) : '')
        + (run.endedAt ? ' · ended ' + time(run.endedAt) : '')
        + (run.cancellation ? ' · cancelled by ' + run.cancellation.by + ': ' + run.cancellation.reason : '');
      $('cancel-run').hidden = !actions || FINAL.includes(run.status);
      timeline(detail.steps);
      $('detail-error').hidden = !run.error;
      $('detail-stack').textContent = run.error
        ? run.error.name + ': ' + run.error.message + '\n' + (run.error.stack || '') : '';
      const attempts = $('detail-attempts');
      attempts.replaceChildren();
      detail.attempts.forEach((attempt) => attempts.append(el('li', {
        text: (attempt.stepKey || 'function body') + ' attempt ' + (attempt.attempt + 1) + ' at ' + time(attempt.failedAt)
          + ': ' + attempt.error.name + ': ' + attempt.error.message })));
      if (!detail.attempts.length) attempts.append(el('li', { text: 'none' }));
      $('detail-event').textContent = JSON.stringify(run.event, null, 2);
    } catch (error) {
      problem('Could not read run ' + runId + ': ' + error.message);
    }
  }

  function timeline(steps) {
    const list = $('timeline');
    list.replaceChildren();
    if (!steps.length) {
      list.append(el('li', { text: 'no steps yet' }));
      return;
    }
    const start = Math.min(...steps.map((step) => Date.parse(step.startedAt)));
    const end = Math.max(...steps.map((step) => Date.parse(step.endedAt || step.startedAt)), start + 1);
    steps.forEach((step) => {
      const from = Date.parse(step.startedAt);
      const to = Date.parse(step.endedAt || step.startedAt);
      const bar = el('div', { class: 'bar ' + step.status, title: (to - from) + ' ms' });
      bar.style.marginLeft = ((from - start) / (end - start) * 100) + '%';
      bar.style.width = Math.max(0.5, (to - from) / (end - start) * 100) + '%';
      list.append(el('li', { class: 'step', 'data-step': step.key },
        el('span', { text: step.key + ' (' + step.kind.toLowerCase() + ', ' + step.attempts + ' attempt'
          + (step.attempts === 1 ? '' : 's') + ')' }),
        status(step.status),
        el('div', {}, bar)));
    });
  }

  async function cancelOpenRun() {
    if (!openRunId) return;
    try {
      await api('/runs/' + encodeURIComponent(openRunId), { method: 'DELETE' });
      await openRun(openRunId);
      await loadRuns(true);
    } catch (error) {
      problem('Could not cancel run ' + openRunId + ': ' + error.message);
    }
  }

  function openBulk(functionId) {
    bulkFunction = functionId;
    $('bulk-function').textContent = functionId;
    const now = new Date();
    $('bulk-from').value = localInput(new Date(now.getTime() - 3600 * 1000));
    $('bulk-to').value = localInput(now);
    $('bulk-name').value = '';
    $('bulk-condition').value = '';
    resetEstimate();
    $('bulk-dialog').showModal();
  }

  function resetEstimate() {
    $('bulk-estimate').textContent = '';
    $('bulk-start').disabled = true;
    $('bulk-problem').hidden = true;
  }

  function bulkRequest(preview) {
    const request = {
      functionId: bulkFunction,
      startedAfter: isoFromLocal($('bulk-from').value),
      startedBefore: isoFromLocal($('bulk-to').value),
      name: $('bulk-name').value || null,
      condition: $('bulk-condition').value || null,
    };
    if (preview) request.preview = true;
    return { method: 'POST', body: JSON.stringify(request) };
  }

  async function previewBulk() {
    resetEstimate();
    try {
      const estimate = await api('/cancellations', bulkRequest(true));
      const count = estimate.matching;
      const runs = count + ' run' + (count === 1 ? '' : 's');
      // A count that ran out of time is a lower bound; the cancellation may still start.
      if (estimate.complete === false) {
        $('bulk-estimate').textContent = 'At least ' + runs + ' will be cancelled (counting stopped early).';
      } else {
        $('bulk-estimate').textContent = count === 0
          ? 'No run matches: nothing to cancel.'
          : runs + ' will be cancelled.';
      }
      $('bulk-start').disabled = count === 0 && estimate.complete !== false;
    } catch (error) {
      $('bulk-problem').textContent = error.message;
      $('bulk-problem').hidden = false;
    }
  }

  async function startBulk() {
    if (!$('bulk-name').value) {
      $('bulk-problem').textContent = 'Name the cancellation.';
      $('bulk-problem').hidden = false;
      return;
    }
    try {
      await api('/cancellations', bulkRequest(false));
      $('bulk-dialog').close();
      $('filter-function').value = bulkFunction;
      $('filter-status').value = '';
      show('runs');
    } catch (error) {
      $('bulk-problem').textContent = error.message;
      $('bulk-problem').hidden = false;
    }
  }

  async function loadHistory() {
    try {
      const cancellations = await api('/cancellations?limit=100');
      const rows = $('history-rows');
      rows.replaceChildren();
      cancellations.forEach((c) => {
        rows.append(el('tr', { class: 'cancellation-row', 'data-cancellation-id': c.id },
          el('td', {}, el('strong', { text: c.name || '(unnamed)' }), el('div', { text: c.id })),
          el('td', { text: c.functionId }),
          el('td', { text: time(c.startedAfter) + ' – ' + time(c.startedBefore) }),
          el('td', { text: c.condition || '' }),
          el('td', {}, status(c.state)),
          el('td', { class: 'progress', text: c.cancelled + ' of ' + c.matched }),
          el('td', { text: time(c.createdAt) }),
          el('td', {}, actions && c.state === 'RUNNING'
            ? el('button', { type: 'button', class: 'danger', text: 'Stop', onclick: () => stopCancellation(c.id) }) : '')));
      });
      if (!cancellations.length) rows.append(el('tr', {}, el('td', { colspan: '8', text: 'No bulk cancellations yet.' })));
      problem(null);
    } catch (error) {
      problem('Could not list bulk cancellations: ' + error.message);
    }
  }

  async function stopCancellation(id) {
    try {
      await api('/cancellations/' + encodeURIComponent(id), { method: 'DELETE' });
      await loadHistory();
    } catch (error) {
      problem('Could not stop cancellation ' + id + ': ' + error.message);
    }
  }

  function refresh() {
    if (!$('runs').hidden) {
      loadRuns(true);
      if (openRunId) openRun(openRunId);
    } else if (!$('history').hidden) {
      loadHistory();
    }
  }

  async function start() {
    const config = await (await fetch('config.json')).json();
    endpoint = config.endpoint;
    actions = Boolean(config.actions && config.actions.enabled);
    $('read-only').hidden = actions;
    $('read-only').textContent = actions ? '' : config.actions.reason;
    document.querySelectorAll('.tab').forEach((button) => button.addEventListener('click', () => show(button.dataset.tab)));
    $('run-filters').addEventListener('submit', (event) => { event.preventDefault(); loadRuns(true); });
    $('more-runs').addEventListener('click', () => loadRuns(false));
    $('cancel-run').addEventListener('click', cancelOpenRun);
    $('bulk-preview').addEventListener('click', previewBulk);
    $('bulk-start').addEventListener('click', startBulk);
    $('bulk-close').addEventListener('click', () => $('bulk-dialog').close());
    ['bulk-from', 'bulk-to', 'bulk-condition'].forEach((id) => $(id).addEventListener('input', resetEstimate));
    show('functions');
    refreshTimer = setInterval(refresh, config.refreshMillis || 2000);
  }

  start();
}());
