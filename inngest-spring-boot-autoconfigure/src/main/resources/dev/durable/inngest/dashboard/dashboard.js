// The runs dashboard: reads and drives the "inngest" Actuator endpoint. Every value from the
// server is put into the page as text (textContent), never as markup.
(function () {
  'use strict';

  const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];
  let endpoint = null;
  let runsCursor = null;
  // The filters of the runs shown, as they were when Show was clicked: a refresh or More
  // reads with them, not with what has been typed since.
  let runsFilter = new URLSearchParams();
  // How many pages of runs are shown: a refresh reads as many again.
  let runPages = 0;
  // Reads of the runs list, one after the other, so that a refresh never undoes a page
  // added by More, nor an older filter's answer replaces a newer one's.
  let runsQueue = Promise.resolve();
  let runsPending = 0;
  let openRunId = null;
  // What the open run was drawn from: a refresh that reads the same redraws nothing but
  // the timeline's bars, so that text selected in it stays selected.
  let openRunShown = null;
  // The folded texts to show unfolded when the run shown is drawn again.
  let keptOpen = new Set();
  let bulkFunction = null;
  // What the bulk dialog starts: 'cancel' or 'replay'.
  let bulkMode = 'cancel';
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

  // What the problem shown came from: a refresh that reads again what failed clears it, but
  // not a problem of another read or of an action, which stays until the next tab is shown.
  let problemSource = null;

  function problem(message, source) {
    if (!message && source && problemSource !== source) return;
    const box = $('problem');
    box.textContent = message || '';
    box.hidden = !message;
    problemSource = message ? (source || 'action') : null;
  }

  async function api(path, options) {
    // A request that never answers would hold up the reads queued behind it.
    const response = await fetch(endpoint + path, Object.assign({ headers: { 'Content-Type': 'application/json' },
      signal: AbortSignal.timeout(30000) }, options));
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (ignored) {
      body = text;
    }
    if (!response.ok) {
      const detail = body && (body.message || body.error) ? (body.message || body.error)
        : (response.statusText || 'HTTP error');
      throw new Error(response.status + ' ' + detail);
    }
    return body;
  }

  // The tab shown, and the run open, are kept in the page's address, so that a reload or a
  // link shows them again.
  function remember(hash) {
    if (window.location.hash !== '#' + hash) history.replaceState(null, '', '#' + hash);
  }

  function show(tab) {
    remember(tab);
    problem(null);
    document.querySelectorAll('.panel').forEach((panel) => { panel.hidden = panel.id !== tab; });
    document.querySelectorAll('.tab').forEach((button) => button.classList.toggle('active', button.dataset.tab === tab));
    if (tab === 'functions') loadFunctions();
    if (tab === 'runs') loadRuns(true);
    if (tab === 'history') loadHistory();
    if (tab === 'replays') loadReplays();
    if (tab === 'charts') loadCharts();
  }

  async function loadFunctions() {
    try {
      const data = await api('');
      const rows = $('function-rows');
      rows.replaceChildren();
      const select = $('filter-function');
      const chosen = select.value;
      select.replaceChildren(el('option', { value: '', text: 'All' }));
      const charted = $('chart-function');
      const chartChosen = charted.value;
      charted.replaceChildren(el('option', { value: '', text: 'All' }));
      data.functions.forEach((fn) => {
        select.append(el('option', { value: fn.id, text: fn.id }));
        charted.append(el('option', { value: fn.id, text: fn.id }));
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
            ' ',
            el('button', { type: 'button', class: 'charts', text: 'Charts', onclick: () => { $('chart-function').value = fn.id; show('charts'); } }),
            actions ? ' ' : '',
            actions ? el('button', { type: 'button', class: 'danger bulk-cancel', text: 'Bulk cancel', onclick: () => openBulk(fn.id, 'cancel') }) : '',
            actions ? ' ' : '',
            actions ? el('button', { type: 'button', class: 'bulk-replay', text: 'Bulk replay', onclick: () => openBulk(fn.id, 'replay') }) : '')));
      });
      select.value = chosen;
      charted.value = chartChosen;
      problem(null, 'functions');
    } catch (error) {
      problem('Cannot read the inngest Actuator endpoint at ' + endpoint + ' (' + error.message
        + '). Expose it with management.endpoints.web.exposure.include=inngest.', 'functions');
    }
  }

  function readFilter() {
    const params = new URLSearchParams({ limit: '50' });
    const fn = $('filter-function').value;
    const state = $('filter-status').value;
    const from = isoFromLocal($('filter-from').value);
    const to = isoFromLocal($('filter-to').value);
    const condition = $('filter-condition').value.trim();
    if (fn) params.set('function', fn);
    if (condition) params.set('condition', condition);
    if (state) params.set('status', state);
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    return params;
  }

  function runQuery(cursor) {
    const params = new URLSearchParams(runsFilter);
    if (cursor) params.set('cursor', cursor);
    return '/runs?' + params;
  }

  function runRow(run) {
    return el('tr', { class: 'clickable run-row', 'data-run-id': run.id, onclick: () => openRun(run.id) },
      el('td', { text: run.id }),
      el('td', { text: run.functionId }),
      el('td', {}, status(run.status)),
      el('td', { text: time(run.createdAt) }),
      el('td', { text: time(run.endedAt) }));
  }

  function queueRuns(work) {
    runsPending++;
    runsQueue = runsQueue.then(work)
      .then(() => problem(null, 'runs'), (error) => problem('Could not list runs: ' + error.message, 'runs'))
      .finally(() => { runsPending--; });
    return runsQueue;
  }

  // Reads the first pages of runs and shows them in place of those shown.
  async function readRuns(pages) {
    const runs = [];
    let cursor = null;
    let read = 0;
    do {
      const page = await api(runQuery(cursor));
      runs.push(...page.runs);
      cursor = page.nextCursor || null;
      read++;
    } while (cursor && read < pages);
    const rows = $('run-rows');
    rows.replaceChildren(...runs.map(runRow));
    if (!runs.length) {
      // A search by event reads runs within a budget: none found so far is not none at all.
      const text = cursor ? 'No runs match among those searched so far: More searches on.' : 'No runs match.';
      rows.append(el('tr', { class: 'no-runs' }, el('td', { colspan: '5', text })));
    }
    runPages = read;
    runsCursor = cursor;
    $('more-runs').hidden = !runsCursor;
  }

  async function readMore() {
    if (!runsCursor) return;
    const page = await api(runQuery(runsCursor));
    if (page.runs.length) $('run-rows').querySelectorAll('.no-runs').forEach((row) => row.remove());
    $('run-rows').append(...page.runs.map(runRow));
    runPages++;
    runsCursor = page.nextCursor || null;
    $('more-runs').hidden = !runsCursor;
  }

  // Fresh: the first page, for the filters as they are now; else the next page.
  function loadRuns(fresh) {
    if (fresh) runsFilter = readFilter();
    return queueRuns(() => (fresh ? readRuns(1) : readMore()));
  }

  function refreshRuns() {
    if (runsPending === 0) queueRuns(() => readRuns(Math.max(1, runPages)));
  }

  async function openRun(runId, refreshing) {
    if (openRunId !== runId) openRunShown = null;
    openRunId = runId;
    remember('runs/' + encodeURIComponent(runId));
    try {
      const detail = await api('/runs/' + encodeURIComponent(runId));
      // A slower answer for the run shown before, such as the refresh's, must not replace
      // the run opened since.
      if (openRunId !== runId) return;
      const spans = await api('/runs/' + encodeURIComponent(runId) + '/timeline');
      if (openRunId !== runId) return;
      const shown = JSON.stringify([detail, spans]);
      problem(null, refreshing ? 'run' : undefined);
      const run = detail.run;
      if (refreshing && shown === openRunShown) {
        // Nothing new, but the steps of a run that has not ended are drawn to now.
        if (!FINAL.includes(run.status)) {
          growBars(detail.steps, run);
          drawTimeline(spans);
        }
        return;
      }
      // A refresh keeps open what the reader unfolded in the run shown.
      keptOpen = refreshing ? unfolded() : new Set();
      openRunShown = shown;
      $('run-detail').hidden = false;
      $('detail-id').textContent = run.id;
      $('detail-status').textContent = run.status;
      $('detail-status').className = 'status ' + run.status;
      $('detail-summary').textContent = run.functionId
        + (run.event && run.event.ts ? ' · event sent ' + time(run.event.ts) : '')
        + ' · created ' + time(run.createdAt)
        + (run.startedAt ? ' · started ' + time(run.startedAt) : '')
        + (run.endedAt ? ' · ended ' + time(run.endedAt) : '')
        + (run.cancellation ? ' · cancelled by ' + run.cancellation.by + ': ' + run.cancellation.reason : '');
      $('cancel-run').hidden = !actions || FINAL.includes(run.status);
      $('rerun-run').hidden = !actions || !FINAL.includes(run.status);
      links(run);
      timeline(detail.steps, run);
      $('detail-error').hidden = !run.error;
      $('detail-stack').textContent = run.error
        ? run.error.name + ': ' + run.error.message + '\n' + (run.error.stack || '') : '';
      const attempts = $('detail-attempts');
      attempts.replaceChildren();
      // A step's attempts are named as the step is in the list above.
      const stepNames = Object.fromEntries(detail.steps.map((step) => [step.key, stepLabel(step)]));
      detail.attempts.forEach((attempt) => attempts.append(el('li', { class: 'failed-attempt' },
        (attempt.stepKey ? stepNames[attempt.stepKey] || attempt.stepKey : 'function body')
          + ' attempt ' + (attempt.attempt + 1) + ' at ' + time(attempt.failedAt)
          + ': ' + attempt.error.name + ': ' + attempt.error.message,
        attempt.error.stack ? shownOnDemand('stack', attempt.error.stack, 'attempt:' + (attempt.stepKey || '') + ':' + attempt.attempt) : '')));
      if (!detail.attempts.length) attempts.append(el('li', { text: 'none' }));
      $('detail-event').textContent = JSON.stringify(run.event, null, 2);
      $('detail-output').textContent = run.output === null || run.output === undefined
        ? '(none)' : JSON.stringify(run.output, null, 2);
      drawTimeline(spans);
    } catch (error) {
      // A refresh that fails is cleared by the next that succeeds; an opening that
      // fails stays until the next action.
      problem('Could not read run ' + runId + ': ' + error.message, refreshing ? 'run' : undefined);
    }
  }

  // The keys of the folded texts of the run shown that the reader unfolded.
  function unfolded() {
    return new Set(Array.from(document.querySelectorAll('#run-detail details.on-demand[open]'),
      (details) => details.dataset.key));
  }

  // Text kept folded until asked for, such as a stack or a step's output.
  function shownOnDemand(summary, text, key) {
    return el('details', { class: 'on-demand', 'data-key': key, open: keptOpen.has(key) ? '' : null },
      el('summary', { text: summary }), el('pre', { text }));
  }

  function runLink(runId) {
    return el('a', { href: '#', class: 'run-link', 'data-run-id': runId, text: runId,
      onclick: (event) => { event.preventDefault(); openRun(runId); } });
  }

  function links(run) {
    const box = $('detail-links');
    box.replaceChildren();
    if (run.rerunOf) box.append('Rerun of ', runLink(run.rerunOf), ' ');
    if (run.reruns && run.reruns.length) {
      box.append('Reruns: ');
      run.reruns.forEach((id) => box.append(runLink(id)));
    }
  }

  const SVG = 'http://www.w3.org/2000/svg';

  function svg(tag, attributes, ...children) {
    const element = document.createElementNS(SVG, tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (name === 'text') element.textContent = value;
      else if (value !== null && value !== undefined) element.setAttribute(name, value);
    });
    children.forEach((child) => element.append(child));
    return element;
  }

  function duration(ms) {
    if (ms === 0) return '0';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
    if (ms < 3600000) return (ms / 60000).toFixed(1) + ' min';
    return (ms / 3600000).toFixed(1) + ' h';
  }

  // One row for the queue, one for each step (its failed attempts marked on it), one for the
  // function body's failed attempts, and one for each handler run that followed. Rows are a
  // fixed height, so a run of hundreds of steps scrolls within its box.
  function drawTimeline(timeline) {
    const box = $('run-timeline');
    box.replaceChildren();
    const spans = timeline.spans || [];
    const rows = [];
    const rowOf = {};
    const ends = [];
    const attempts = [];
    spans.forEach((span) => {
      if (span.type === 'attempt') {
        attempts.push(span);
      } else if (['completed', 'failed', 'cancelled'].includes(span.type)) {
        ends.push(span);
      } else {
        const key = span.stepKey ? 'step:' + span.stepKey : span.type + ':' + (span.runId || '');
        rowOf[key] = rows.length;
        rows.push(span);
      }
    });
    attempts.forEach((attempt) => {
      const key = attempt.stepKey ? 'step:' + attempt.stepKey : 'body';
      if (rowOf[key] === undefined) {
        rowOf[key] = rows.length;
        rows.push({ type: 'body', label: 'function body', start: attempt.start, end: attempt.start });
      }
    });
    const times = spans.flatMap((span) => [Date.parse(span.start), span.end ? Date.parse(span.end) : Date.now()]);
    const t0 = Math.min(...times);
    const t1 = Math.max(...times, t0 + 1);
    const labelWidth = 200;
    const width = Math.max(640, box.clientWidth || 900);
    const plot = width - labelWidth - 20;
    const rowHeight = 18;
    const top = 24;
    const height = top + rows.length * rowHeight + 8;
    const x = (time) => labelWidth + (Date.parse(time) - t0) / (t1 - t0) * plot;
    const root = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, 'data-rows': rows.length,
      role: 'img', 'aria-label': 'Timeline of run ' + timeline.run.id });
    const axis = svg('g', { class: 'axis' });
    for (let i = 0; i <= 5; i++) {
      const at = labelWidth + plot * i / 5;
      axis.append(svg('line', { x1: at, x2: at, y1: 14, y2: height }),
        svg('text', { x: at, y: 11, 'text-anchor': i === 0 ? 'start' : (i === 5 ? 'end' : 'middle'), text: '+' + duration((t1 - t0) * i / 5) }));
    }
    root.append(axis);
    rows.forEach((span, index) => {
      const y = top + index * rowHeight;
      const label = span.label + (span.type === 'failure-handler' ? ' (failure handler)'
        : span.type === 'cancellation-handler' ? ' (cancellation handler)' : '');
      const text = svg('text', { class: 'label' + (span.runId ? ' run-link' : ''), x: 4, y: y + 12,
        'data-run-id': span.runId || null, text: label.length > 30 ? label.slice(0, 29) + '…' : label },
      svg('title', { text: label + (span.runId ? ' (run ' + span.runId + ')' : '') }));
      // A handler's row opens the handler's own run.
      if (span.runId) text.addEventListener('click', () => openRun(span.runId));
      root.append(text);
      if (span.type === 'body') return;
      const from = x(span.start);
      const to = span.end ? x(span.end) : labelWidth + plot;
      const detail = [label, span.status || '', span.end
        ? duration(Date.parse(span.end) - Date.parse(span.start)) : 'not ended', span.note || '',
      span.error ? span.error.name + ': ' + span.error.message : ''].filter(Boolean).join(' · ');
      root.append(svg('rect', { class: 'span span-' + span.type + ' ' + (span.status || ''), 'data-type': span.type,
        'data-step': span.stepKey || null, x: from, y: y + 3, width: Math.max(2, to - from), height: rowHeight - 6, rx: 2 },
      svg('title', { text: detail })));
    });
    attempts.forEach((attempt) => {
      const row = rowOf[attempt.stepKey ? 'step:' + attempt.stepKey : 'body'];
      const cx = x(attempt.start);
      const cy = top + row * rowHeight + rowHeight / 2;
      root.append(svg('path', { class: 'attempt', 'data-type': 'attempt', 'data-step': attempt.stepKey || null,
        d: 'M' + cx + ' ' + (cy - 5) + 'L' + (cx + 5) + ' ' + cy + 'L' + cx + ' ' + (cy + 5) + 'L' + (cx - 5) + ' ' + cy + 'Z' },
      svg('title', { text: (attempt.label) + ' attempt ' + (attempt.attempt + 1) + ' failed: '
        + (attempt.error ? attempt.error.name + ': ' + attempt.error.message : '') })));
    });
    ends.forEach((end) => {
      const at = x(end.start);
      root.append(svg('line', { class: 'end end-' + end.type, 'data-type': end.type, x1: at, x2: at, y1: 14, y2: height,
        'stroke-width': 2, 'stroke-dasharray': '4 2' },
      svg('title', { text: 'Run ' + end.type + (end.note ? ': ' + end.note : '')
        + (end.error ? ': ' + end.error.name + ': ' + end.error.message : '') })));
    });
    box.append(root);
  }

  const SERIES = ['started', 'completed', 'failed', 'cancelled'];

  function niceMax(value) {
    if (value <= 5) return 5;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    return [1, 2, 5, 10].map((step) => step * power).find((top) => top >= value);
  }

  function clock(time, bucketSeconds) {
    const date = new Date(time);
    return bucketSeconds >= 3600 ? date.toLocaleDateString() + ' ' + date.getHours() + 'h'
      : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  // A frame with a y axis from 0 to max and a time axis of the buckets; returns the
  // chart and the functions that place a bucket and a value.
  function frame(stats, max, width, height, label) {
    const left = 56;
    const right = 12;
    const top = 10;
    const bottom = 22;
    const root = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height });
    const n = stats.buckets.length;
    const x = (i) => left + (n <= 1 ? 0 : i / (n - 1) * (width - left - right));
    const y = (v) => height - bottom - v / max * (height - top - bottom);
    const grid = svg('g', { class: 'grid' });
    for (let i = 0; i <= 4; i++) {
      const value = max * i / 4;
      grid.append(svg('line', { x1: left, x2: width - right, y1: y(value), y2: y(value) }),
        svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end', text: (label || count)(value) }));
    }
    const labels = Math.min(6, n);
    for (let i = 0; i < labels; i++) {
      const index = labels <= 1 ? 0 : Math.round(i * (n - 1) / (labels - 1));
      grid.append(svg('text', { x: x(index), y: height - 6, 'text-anchor': i === 0 ? 'start' : (i === labels - 1 ? 'end' : 'middle'),
        text: clock(stats.buckets[index].start, stats.bucket) }));
    }
    root.append(grid);
    return { root, x, y };
  }

  // A count as an axis shows it: 1.5k rather than 1500.
  function count(value) {
    if (value >= 1e6) return (Math.round(value / 1e5) / 10) + 'M';
    if (value >= 1e4) return (Math.round(value / 100) / 10) + 'k';
    return String(Math.round(value * 10) / 10);
  }

  function seconds(duration) {
    // An ISO-8601 duration such as PT1M or PT15M or PT2H, as Jackson writes a Duration.
    if (typeof duration === 'number') return duration;
    const match = /PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?/.exec(duration || '');
    return match ? (Number(match[1] || 0) * 3600 + Number(match[2] || 0) * 60 + Number(match[3] || 0)) : 60;
  }

  function drawRuns(stats) {
    const box = $('chart-runs');
    box.replaceChildren();
    const width = Math.max(640, box.clientWidth || 900);
    const max = niceMax(Math.max(1, ...stats.buckets.flatMap((b) => SERIES.map((name) => b[name]))));
    const { root, x, y } = frame(stats, max, width, 220);
    SERIES.forEach((name) => {
      const points = stats.buckets.map((b, i) => x(i) + ',' + y(b[name])).join(' ');
      const total = stats.buckets.reduce((sum, b) => sum + b[name], 0);
      root.append(svg('polyline', { class: 'series ' + name, 'data-series': name, 'data-total': total, points },
        svg('title', { text: name + ': ' + total + ' in the window' })));
    });
    const legend = svg('g', { class: 'legend' });
    SERIES.forEach((name, i) => {
      const total = stats.buckets.reduce((sum, b) => sum + b[name], 0);
      legend.append(svg('rect', { class: name, x: 60 + i * 130, y: 2, width: 10, height: 10 }),
        svg('text', { x: 74 + i * 130, y: 11, text: name + ' ' + total }));
    });
    root.append(legend);
    box.append(root);
  }

  function drawFailures(stats) {
    const box = $('chart-failures');
    box.replaceChildren();
    const width = Math.max(640, box.clientWidth || 900);
    const max = niceMax(Math.max(1, ...stats.buckets.map((b) => b.failedAttempts)));
    const { root, x, y } = frame(stats, max, width, 160);
    const step = stats.buckets.length > 1 ? x(1) - x(0) : 20;
    const barWidth = Math.max(1, step * 0.7);
    let total = 0;
    stats.buckets.forEach((b, i) => {
      total += b.failedAttempts;
      if (b.failedAttempts > 0) {
        root.append(svg('rect', { class: 'bar', x: x(i) - barWidth / 2, y: y(b.failedAttempts), width: barWidth,
          height: y(0) - y(b.failedAttempts) }, svg('title', { text: b.failedAttempts + ' at ' + time(b.start) })));
      }
    });
    root.setAttribute('data-total', total);
    box.append(root);
  }

  // The end-to-end p50 and p99 of the runs that ended in each bucket, as lines broken where
  // no run ended, so that a slow minute stands out from the window's percentiles.
  function drawLatencyOverTime(stats) {
    const box = $('chart-latency-over-time');
    box.replaceChildren();
    const width = Math.max(640, box.clientWidth || 900);
    const values = stats.buckets.flatMap((b) => [b.endToEnd.p50, b.endToEnd.p99]).filter((v) => v !== null && v !== undefined);
    const max = niceMax(Math.max(1, ...values));
    const { root, x, y } = frame(stats, max, width, 180, duration);
    ['p50', 'p99'].forEach((p) => {
      let segment = [];
      let points = 0;
      const lines = [];
      stats.buckets.forEach((b, i) => {
        const value = b.endToEnd[p];
        if (value === null || value === undefined) {
          if (segment.length) lines.push(segment);
          segment = [];
          return;
        }
        points++;
        segment.push(x(i) + ',' + y(value));
      });
      if (segment.length) lines.push(segment);
      const group = svg('g', { class: 'latency-line ' + p, 'data-percentile': p, 'data-points': points });
      lines.forEach((line) => {
        // A bucket alone in its segment is drawn as a dot.
        group.append(line.length > 1 ? svg('polyline', { class: 'series', points: line.join(' ') })
          : svg('circle', { cx: line[0].split(',')[0], cy: line[0].split(',')[1], r: 3 }));
      });
      group.append(svg('title', { text: 'end to end ' + p + ' in ms, by ' + (stats.bucket / 60) + ' min' }));
      root.append(group);
    });
    const legend = svg('g', { class: 'legend' });
    ['p50', 'p99'].forEach((p, i) => {
      legend.append(svg('rect', { class: 'latency-' + p, x: 60 + i * 90, y: 2, width: 10, height: 10 }),
        svg('text', { x: 74 + i * 90, y: 11, text: p + ' (ms)' }));
    });
    root.append(legend);
    box.append(root);
  }

  function drawLatency(stats) {
    const box = $('chart-latency');
    box.replaceChildren();
    const width = Math.max(640, box.clientWidth || 900);
    const rows = [];
    [['end to end', stats.endToEnd], ['queue', stats.queue]].forEach(([name, latency]) => {
      ['p50', 'p90', 'p99'].forEach((p) => rows.push({ name: name + ' ' + p, value: latency[p], count: latency.count }));
    });
    const max = Math.max(1, ...rows.map((row) => row.value || 0));
    const root = svg('svg', { width, height: rows.length * 22 + 8 });
    rows.forEach((row, i) => {
      const y = 4 + i * 22;
      root.append(svg('text', { x: 4, y: y + 13, text: row.name }));
      if (row.value === null || row.value === undefined) {
        root.append(svg('text', { x: 130, y: y + 13, text: 'no runs' }));
        return;
      }
      const length = Math.max(2, row.value / max * (width - 260));
      root.append(svg('rect', { class: 'latency-bar', 'data-latency': row.name, x: 130, y: y + 3, width: length, height: 14 }),
        svg('text', { x: 136 + length, y: y + 13, text: duration(row.value) + ' (' + row.count + ' runs)' }));
    });
    box.append(root);
  }

  async function loadCharts() {
    const windowSeconds = Number($('chart-window').value);
    const to = new Date();
    const from = new Date(to.getTime() - windowSeconds * 1000);
    const params = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    if ($('chart-function').value) params.set('function', $('chart-function').value);
    try {
      const stats = await api('/stats?' + params);
      stats.bucket = seconds(stats.bucket);
      const name = stats.bucket === 60 ? 'minute' : stats.bucket === 900 ? 'quarter hour' : (stats.bucket / 3600) + ' hours';
      document.querySelectorAll('.bucket-name').forEach((span) => { span.textContent = name; });
      drawRuns(stats);
      drawFailures(stats);
      drawLatencyOverTime(stats);
      drawLatency(stats);
      problem(null, 'charts');
    } catch (error) {
      problem('Could not read the stats: ' + error.message, 'charts');
    }
  }

  async function rerunOpenRun() {
    if (!openRunId) return;
    if (!window.confirm('Run ' + openRunId + ' again, as a new run with the same event? Its steps run again, '
      + 'side effects included.')) return;
    try {
      const answer = await api('/runs/' + encodeURIComponent(openRunId) + '/rerun', { method: 'POST', body: '{}' });
      await loadRuns(true);
      await openRun(answer.run.id);
    } catch (error) {
      problem('Could not rerun run ' + openRunId + ': ' + error.message);
    }
  }

  // A step is shown by its key, which tells repeats apart, unless its key is not made
  // from its name, as the hashed id an app's SDK memoizes a step by.
  function isNamed(step) {
    return Boolean(step.stepId) && step.key !== step.stepId && !step.key.startsWith(step.stepId + ':');
  }

  function stepLabel(step) {
    return isNamed(step) ? step.stepId : step.key;
  }

  // When a step that has not ended is shown to end: when its run ended, else now.
  function stepEnd(step, run) {
    if (step.endedAt) return Date.parse(step.endedAt);
    return run.endedAt ? Math.max(Date.parse(run.endedAt), Date.parse(step.startedAt)) : Date.now();
  }

  // What a step that has not ended waits for.
  function pending(step) {
    if (!step.wakeAt || step.endedAt) return '';
    if (step.status === 'RETRYING') return ' · next attempt ' + time(step.wakeAt);
    if (step.status === 'SLEEPING') return ' · wakes ' + time(step.wakeAt);
    if (step.status === 'WAITING') return ' · times out ' + time(step.wakeAt);
    return '';
  }

  // The time the steps' bars are drawn over: from the first step's start to the last end.
  function stepsSpan(steps, run) {
    const start = Math.min(...steps.map((step) => Date.parse(step.startedAt)));
    return { start, end: Math.max(...steps.map((step) => stepEnd(step, run)), start + 1) };
  }

  function placeBar(bar, step, run, span) {
    const from = Date.parse(step.startedAt);
    const to = stepEnd(step, run);
    const left = Math.min(99.5, (from - span.start) / (span.end - span.start) * 100);
    bar.title = duration(to - from) + (step.endedAt ? '' : ' so far');
    bar.style.marginLeft = left + '%';
    bar.style.width = Math.min(100 - left, Math.max(0.5, (to - from) / (span.end - span.start) * 100)) + '%';
  }

  // Moves the steps' bars to now in place, leaving the list, and what is selected or
  // unfolded in it, as it is.
  function growBars(steps, run) {
    if (!steps.length) return;
    const span = stepsSpan(steps, run);
    steps.forEach((step) => {
      const bar = document.querySelector('#timeline li.step[data-step="' + CSS.escape(step.key) + '"] .bar');
      if (bar) placeBar(bar, step, run, span);
    });
  }

  function timeline(steps, run) {
    const list = $('timeline');
    list.replaceChildren();
    if (!steps.length) {
      list.append(el('li', { text: 'no steps yet' }));
      return;
    }
    const span = stepsSpan(steps, run);
    steps.forEach((step) => {
      const bar = el('div', { class: 'bar ' + step.status });
      placeBar(bar, step, run, span);
      const more = [];
      if (step.output !== null && step.output !== undefined) more.push(shownOnDemand('output', readable(step.output), 'output:' + step.key));
      if (step.error) {
        more.push(shownOnDemand('error', step.error.name + ': ' + step.error.message + '\n' + (step.error.stack || ''),
          'error:' + step.key));
      }
      list.append(el('li', { class: 'step', 'data-step': step.key, title: isNamed(step) ? step.key : null },
        el('span', { text: stepLabel(step) + ' (' + step.kind.toLowerCase() + ', ' + step.attempts
          + ' attempt' + (step.attempts === 1 ? '' : 's') + ')' + pending(step) }),
        status(step.status),
        el('div', {}, bar),
        more.length ? el('div', { class: 'step-more' }, ...more) : ''));
    });
  }

  // A step's output as stored, JSON text, shown indented.
  function readable(output) {
    try {
      return JSON.stringify(JSON.parse(output), null, 2);
    } catch (ignored) {
      return String(output);
    }
  }

  async function cancelOpenRun() {
    if (!openRunId) return;
    if (!window.confirm('Cancel run ' + openRunId + '? It stops before its next step and never resumes.')) return;
    try {
      await api('/runs/' + encodeURIComponent(openRunId), { method: 'DELETE' });
      await openRun(openRunId, true);
      await loadRuns(true);
    } catch (error) {
      problem('Could not cancel run ' + openRunId + ': ' + error.message);
    }
  }

  function openBulk(functionId, mode) {
    bulkFunction = functionId;
    bulkMode = mode;
    $('bulk-title').textContent = mode === 'replay' ? 'Bulk replay' : 'Bulk cancel';
    $('bulk-start').textContent = mode === 'replay' ? 'Start replay' : 'Start cancellation';
    $('bulk-statuses').hidden = mode !== 'replay';
    $('bulk-failed').checked = true;
    $('bulk-cancelled').checked = false;
    $('bulk-function').textContent = functionId;
    const now = new Date();
    $('bulk-from').value = localInput(new Date(now.getTime() - 3600 * 1000));
    // The input keeps whole seconds: the next one, so that runs started in this second are in.
    $('bulk-to').value = localInput(new Date(now.getTime() + 1000));
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
    if (bulkMode === 'replay') {
      request.statuses = [$('bulk-failed').checked ? 'FAILED' : null, $('bulk-cancelled').checked ? 'CANCELLED' : null]
        .filter(Boolean).join(',');
    }
    return { method: 'POST', body: JSON.stringify(request) };
  }

  async function previewBulk() {
    resetEstimate();
    try {
      const estimate = await api(bulkPath(), bulkRequest(true));
      const count = estimate.matching;
      const runs = count + ' run' + (count === 1 ? '' : 's');
      // A count that ran out of time is a lower bound; the cancellation may still start.
      const verb = bulkMode === 'replay' ? 'replayed' : 'cancelled';
      if (estimate.complete === false) {
        $('bulk-estimate').textContent = 'At least ' + runs + ' will be ' + verb + ' (counting stopped early).';
      } else {
        $('bulk-estimate').textContent = count === 0
          ? 'No run matches: nothing to ' + (bulkMode === 'replay' ? 'replay.' : 'cancel.')
          : runs + ' will be ' + verb + '.';
      }
      $('bulk-start').disabled = count === 0 && estimate.complete !== false;
    } catch (error) {
      $('bulk-problem').textContent = error.message;
      $('bulk-problem').hidden = false;
    }
  }

  function bulkPath() {
    return bulkMode === 'replay' ? '/replays' : '/cancellations';
  }

  async function startBulk() {
    if (!$('bulk-name').value) {
      $('bulk-problem').textContent = bulkMode === 'replay' ? 'Name the replay.' : 'Name the cancellation.';
      $('bulk-problem').hidden = false;
      return;
    }
    try {
      await api(bulkPath(), bulkRequest(false));
      $('bulk-dialog').close();
      if (bulkMode === 'replay') {
        show('replays');
        return;
      }
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
      problem(null, 'history');
    } catch (error) {
      problem('Could not list bulk cancellations: ' + error.message, 'history');
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

  async function loadReplays() {
    try {
      const replays = await api('/replays?limit=100');
      const rows = $('replay-rows');
      rows.replaceChildren();
      replays.forEach((r) => {
        rows.append(el('tr', { class: 'replay-row', 'data-replay-id': r.id },
          el('td', {}, el('strong', { text: r.name || '(unnamed)' }), el('div', { text: r.id })),
          el('td', { text: r.functionId }),
          el('td', { text: time(r.startedAfter) + ' – ' + time(r.startedBefore) }),
          el('td', { text: r.statuses.join(', ') }),
          el('td', { text: r.condition || '' }),
          el('td', {}, status(r.state)),
          el('td', { class: 'progress', text: r.replayed + ' of ' + r.matched }),
          el('td', { text: time(r.createdAt) }),
          el('td', {}, actions && r.state === 'RUNNING'
            ? el('button', { type: 'button', class: 'danger', text: 'Stop', onclick: () => stopReplay(r.id) }) : '')));
      });
      if (!replays.length) rows.append(el('tr', {}, el('td', { colspan: '9', text: 'No bulk replays yet.' })));
      problem(null, 'replays');
    } catch (error) {
      problem('Could not list bulk replays: ' + error.message, 'replays');
    }
  }

  async function stopReplay(id) {
    try {
      await api('/replays/' + encodeURIComponent(id), { method: 'DELETE' });
      await loadReplays();
    } catch (error) {
      problem('Could not stop replay ' + id + ': ' + error.message);
    }
  }

  function refresh() {
    if (!$('runs').hidden) {
      refreshRuns();
      if (openRunId) openRun(openRunId, true);
    } else if (!$('history').hidden) {
      loadHistory();
    } else if (!$('replays').hidden) {
      loadReplays();
    } else if (!$('charts').hidden) {
      loadCharts();
    } else if (!$('functions').hidden) {
      loadFunctions();
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
    $('chart-filters').addEventListener('submit', (event) => { event.preventDefault(); loadCharts(); });
    $('cancel-run').addEventListener('click', cancelOpenRun);
    $('rerun-run').addEventListener('click', rerunOpenRun);
    $('bulk-preview').addEventListener('click', previewBulk);
    $('bulk-start').addEventListener('click', startBulk);
    $('bulk-close').addEventListener('click', () => $('bulk-dialog').close());
    ['bulk-from', 'bulk-to', 'bulk-condition', 'bulk-failed', 'bulk-cancelled']
      .forEach((id) => $(id).addEventListener('input', resetEstimate));
    $('run-lookup').addEventListener('submit', (event) => {
      event.preventDefault();
      const runId = $('lookup-run-id').value.trim();
      if (runId) openRun(runId);
    });
    let hash = '';
    try {
      hash = decodeURIComponent(window.location.hash.substring(1));
    } catch (ignored) {
      // An address edited by hand: start on the functions.
    }
    const tab = hash.split('/')[0];
    if (hash.startsWith('runs/')) {
      show('runs');
      openRun(hash.substring('runs/'.length));
    } else {
      show(document.querySelector('.tab[data-tab="' + CSS.escape(tab) + '"]') ? tab : 'functions');
    }
    // The function filters list the functions whatever the tab shown first.
    if (tab !== 'functions') loadFunctions();
    refreshTimer = setInterval(refresh, config.refreshMillis || 2000);
  }

  start();
}());
