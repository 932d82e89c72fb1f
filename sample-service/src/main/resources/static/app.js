'use strict';
// The sample service's page: classify, send feedback, run a fine-tuning job. Plain DOM, no framework.
const $ = (id) => document.getElementById(id);
let currentJob = null;
let pollTimer = null;

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const detail = body && body.detail ? body.detail : response.statusText;
    throw new Error(`${response.status}: ${detail}`);
  }
  return body;
}

function apiKeyHeaders() {
  const key = $('api-key').value.trim();
  localStorage.setItem('kindling-api-key', key);
  return { 'X-API-Key': key };
}

async function loadModels() {
  try {
    const models = await api('/v1/models');
    $('model').innerHTML = '';
    for (const m of models) {
      const option = document.createElement('option');
      option.value = m.name;
      option.textContent = m.name;
      $('model').appendChild(option);
    }
    $('model-info').textContent = models.map((m) =>
      `${m.name}: ${m.labels.toLocaleString()} labels, version ${m.version}, ${m.classifier}, devices ${m.devices.join(', ')}`).join(' · ');
  } catch (e) {
    $('model-info').textContent = `Could not load models (${e.message})`;
  }
}

async function classify(event) {
  event.preventDefault();
  $('classify-error').textContent = '';
  try {
    const result = await api(`/v1/models/${encodeURIComponent($('model').value)}/classify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: $('text').value, k: Number($('k').value) }),
    });
    const rows = $('results').querySelector('tbody');
    rows.innerHTML = '';
    for (const l of result.labels) {
      const tr = document.createElement('tr');
      // null when the model produced no number (the API never sends NaN)
      const pct = Number.isFinite(l.probability) ? (100 * l.probability).toFixed(1) : null;
      tr.innerHTML = '<td class="label"></td><td class="probability"></td><td class="bar"><span></span></td>';
      tr.querySelector('.label').textContent = l.label;
      tr.querySelector('.probability').textContent = pct === null ? '–' : `${pct}%`;
      tr.querySelector('.bar span').style.width = `${Math.max(1, Math.round(2 * (pct ?? 0)))}px`;
      tr.addEventListener('click', () => { $('label').value = l.label; });
      rows.appendChild(tr);
    }
    $('results').hidden = false;
    $('version').textContent = `model version ${result.version}, computed on ${result.device}`;
  } catch (e) {
    $('classify-error').textContent = e.message;
  }
}

async function sendFeedback(event) {
  event.preventDefault();
  $('feedback-status').textContent = 'Sending…';
  try {
    const r = await api(`/v1/models/${encodeURIComponent($('model').value)}/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...apiKeyHeaders() },
      body: JSON.stringify({ text: $('text').value, label: $('label').value.trim() }),
    });
    $('feedback-status').textContent = `Accepted (log sequence ${r.sequence}); the model learns it within moments.`;
  } catch (e) {
    $('feedback-status').textContent = `Not accepted: ${e.message}`;
  }
}

async function startJob(event) {
  event.preventDefault();
  const file = $('job-file').files[0];
  if (!file) {
    $('job-status').textContent = 'Choose a file first.';
    return;
  }
  const form = new FormData();
  form.append('file', file);
  try {
    const job = await api(`/v1/models/${encodeURIComponent($('model').value)}/fine-tune-jobs`, {
      method: 'POST', headers: apiKeyHeaders(), body: form,
    });
    currentJob = job.id;
    $('cancel-job').disabled = false;
    $('job-progress').hidden = false;
    poll();
  } catch (e) {
    $('job-status').textContent = `Job refused: ${e.message}`;
  }
}

async function poll() {
  clearTimeout(pollTimer);
  if (!currentJob) return;
  try {
    const s = await api(`/v1/fine-tune-jobs/${currentJob}`, { headers: apiKeyHeaders() });
    $('job-progress').value = s.progress;
    const loss = Number.isFinite(s.loss) ? s.loss.toFixed(4) : '–';
    $('job-status').textContent = `${s.state}: ${s.appliedExamples}/${s.totalExamples} examples, `
      + `${s.examplesPerSecond.toFixed(0)} examples/s, loss ${loss}` + (s.badLineCount ? `, ${s.badLineCount} bad lines skipped` : '')
      + (s.error ? ` (${s.error})` : '');
    if (s.state === 'QUEUED' || s.state === 'RUNNING') {
      pollTimer = setTimeout(poll, 500);
    } else {
      $('cancel-job').disabled = true;
      loadModels();
    }
  } catch (e) {
    $('job-status').textContent = `Status unavailable: ${e.message}`;
  }
}

async function cancelJob() {
  if (!currentJob) return;
  await api(`/v1/fine-tune-jobs/${currentJob}`, { method: 'DELETE', headers: apiKeyHeaders() }).catch(() => {});
  poll();
}

$('api-key').value = localStorage.getItem('kindling-api-key') || '';
$('classify-form').addEventListener('submit', classify);
$('feedback-form').addEventListener('submit', sendFeedback);
$('job-form').addEventListener('submit', startJob);
$('cancel-job').addEventListener('click', cancelJob);
loadModels();
