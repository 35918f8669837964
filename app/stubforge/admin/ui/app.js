// stubforge admin UI: plain JavaScript, no build step, no third-party code.
"use strict";

const TOKEN_KEY = "stubforge.token";
const MAX_ROWS = 500;
const state = { entries: [], stubs: new Map(), selected: null, stream: null, seen: [] };
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: "Bearer " + token } : {};
}

class Unauthorized extends Error {}

async function api(path, opts = {}) {
  const headers = { ...authHeaders(), ...(opts.body ? { "content-type": "application/json" } : {}) };
  const res = await fetch(path, { ...opts, headers: { ...headers, ...(opts.headers || {}) } });
  if (res.status === 401) { showLogin(); throw new Unauthorized(); }
  const type = res.headers.get("content-type") || "";
  const data = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) throw new Error((data && data.detail) || res.status);
  return data;
}

function say(text) { $("#status").textContent = text; }

// ---- login -------------------------------------------------------------------------
function showLogin() {
  $("#login").hidden = false;
  document.querySelector("main").hidden = true;
  $("#token").focus();
}

$("#login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("#token").value);
  try {
    await fetchStubs();
    $("#login").hidden = true;
    document.querySelector("main").hidden = false;
    $("#login-error").textContent = "";
    start();
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    $("#login-error").textContent = "That token was refused.";
  }
});

// ---- views -------------------------------------------------------------------------
for (const button of document.querySelectorAll("nav button")) {
  button.addEventListener("click", () => show(button.dataset.view));
}

function show(view) {
  for (const b of document.querySelectorAll("nav button")) {
    if (b.dataset.view === view) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== "view-" + view;
  if (view === "misses") loadMisses();
  if (view === "stubs") loadStubs();
  if (view === "behaviour") loadBehaviour();
  if (view === "plots") loadPlots();
}

// ---- journal (live) ------------------------------------------------------------------
async function stream() {
  const res = await fetch("/__admin/events?backlog=200", { headers: authHeaders() });
  if (res.status === 401) { showLogin(); return; }
  say("live");
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const lines = block.split("\n");
      const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (lines.includes("event: skipped")) skipped(Number(data));
      else if (data) addEntry(JSON.parse(data));
    }
  }
  say("disconnected; reconnecting");
  setTimeout(() => stream().catch(() => say("disconnected")), 1000);
}

function skipped(n) {
  state.skipped = (state.skipped || 0) + n;
  const now = Date.now();
  for (let i = 0; i < Math.min(n, 5000); i++) state.seen.push({ t: now, status: -1 });
  say(`live (${state.skipped} requests not listed: more than 200 a second)`);
}

function kindOf(e) { return e.passthrough ? "passthrough" : e.matched ? "matched" : "unmatched"; }

function visible(e) {
  const f = new FormData($("#journal-filters"));
  const session = f.get("session"), route = f.get("route"), status = f.get("status"), kind = f.get("kind");
  if (session && e.session !== session) return false;
  if (route && !(e.route || "").includes(route)) return false;
  if (status && String(e.response.status) !== status) return false;
  if (kind && kindOf(e) !== kind) return false;
  return true;
}

function row(e) {
  const status = e.response.status;
  const tr = el("tr", { tabindex: "0", "data-id": e.id },
    el("td", {}, e.time.slice(11, 23)),
    el("td", {}, e.request.method),
    el("td", { title: e.request.url }, e.request.path),
    el("td", { class: e.matched ? "" : "miss" }, e.route || (e.passthrough ? "passthrough" : "MISS")),
    el("td", { class: "s" + String(status)[0] }, status || "fault"),
    el("td", {}, e.delay_ms ? e.delay_ms.toFixed(0) + " ms" : ""),
    el("td", {}, e.session || ""));
  const open = () => select(e, tr);
  tr.addEventListener("click", open);
  tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); } });
  return tr;
}

function addEntry(e) {
  state.entries.push(e);
  if (state.entries.length > MAX_ROWS) state.entries.shift();
  state.seen.push({ t: Date.now(), status: e.response.status });
  if (!visible(e)) return;
  const body = $("#journal tbody");
  body.prepend(row(e));
  while (body.rows.length > MAX_ROWS) body.deleteRow(-1);
}

function redraw() {
  const body = $("#journal tbody");
  body.replaceChildren(...state.entries.filter(visible).reverse().map(row));
}

$("#journal-filters").addEventListener("input", redraw);
$("#journal-clear").addEventListener("click", () => { state.entries = []; redraw(); });

function kv(obj) {
  return el("pre", {}, Object.entries(obj || {}).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`).join("\n"));
}

function select(e, tr) {
  for (const r of document.querySelectorAll("#journal tbody tr")) r.removeAttribute("aria-selected");
  tr.setAttribute("aria-selected", "true");
  const stub = state.stubs.get(e.route);
  const where = stub ? `${stub.file}:${stub.line}` : "";
  const aside = $("#entry");
  aside.replaceChildren(
    el("h3", {}, `${e.request.method} ${e.request.path}`),
    el("p", {}, "Route: ", el("strong", { class: e.matched ? "" : "miss" }, e.route || "no route matched"), where ? ` (${where})` : ""),
    el("h4", {}, "Behaviour"),
    kv({ status: e.response.status || "no response (fault)", delay: `${e.delay_ms} ms`, rule: e.rule || "-",
         fault: e.fault || "-", profile: e.profile || "-", session: e.session || "-",
         passthrough: e.passthrough || "-", duration: `${e.duration_ms} ms` }),
    el("h4", {}, "Request (redacted)"),
    el("pre", {}, e.request.url),
    kv(e.request.headers),
    e.request.body !== undefined ? el("pre", {}, e.request.body) : "",
  );
  if (!e.matched && e.near_misses) aside.append(el("h4", {}, "Closest routes"), missTable(e));
}

// ---- near misses -----------------------------------------------------------------------
async function loadMisses() {
  let data;
  try { data = await api("/__admin/near-misses"); } catch (e) { return; }
  const list = $("#misses");
  list.replaceChildren(...data.requests.map((m) => {
    const li = el("li", { tabindex: "0" }, `${m.request.method} ${m.request.path}`, el("span", { class: "hint" }, `  ${m.time.slice(11, 19)}`));
    const open = () => {
      for (const x of list.children) x.removeAttribute("aria-selected");
      li.setAttribute("aria-selected", "true");
      showMiss(m);
    };
    li.addEventListener("click", open);
    li.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(); });
    return li;
  }));
  if (!data.requests.length) list.replaceChildren(el("li", {}, "No unmatched request in the journal."));
}

function missTable(m) {
  const box = el("div");
  for (const near of m.near_misses || []) {
    const grid = el("div", { class: "sidebyside" }, el("strong", {}, "request"), el("strong", {}, `${near.route} (${near.file}:${near.line})`));
    for (const d of near.differences) {
      grid.append(el("div", { class: "diff", "data-field": d.field }, `${d.field}: ${JSON.stringify(d.actual)}`),
                  el("div", {}, `${d.field}: ${JSON.stringify(d.expected)}`));
    }
    box.append(grid);
  }
  return box;
}

function yamlString(s) { return JSON.stringify(String(s)); }

function asStub(m) {
  const r = m.request;
  const lines = ["version: 1", "routes:", `  - id: ${r.method.toLowerCase()}-${r.path.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "") || "root"}`,
    "    request:", `      method: ${r.method}`, `      path: ${yamlString(r.path)}`];
  const query = Object.entries(r.query || {});
  if (query.length) {
    lines.push("      query:");
    for (const [k, v] of query) lines.push(`        ${yamlString(k)}: ${yamlString(v[0])}`);
  }
  let body = null;
  try { body = r.body ? JSON.parse(r.body) : null; } catch { body = null; }
  if (body && typeof body === "object") lines.push(`      body: {json_partial: ${JSON.stringify(body)}}`);
  lines.push("    response:", "      status: 200", "      json: {}");
  return lines.join("\n") + "\n";
}

function showMiss(m) {
  const yaml = asStub(m);
  const area = el("textarea", { rows: "10", cols: "60", "aria-label": "stub YAML", readonly: "" });
  area.value = yaml;
  const copy = el("button", { type: "button", onclick: async () => {
    try { await navigator.clipboard.writeText(yaml); say("stub copied"); }
    catch { area.select(); say("select and copy the stub"); }
  } }, "Copy as stub");
  $("#miss").replaceChildren(el("h3", {}, `${m.request.method} ${m.request.url}`), missTable(m), copy, area);
}

$("#misses-refresh").addEventListener("click", loadMisses);

// ---- stubs ------------------------------------------------------------------------------
async function fetchStubs() {
  const data = await api("/__admin/stubs");
  state.stubs = new Map(data.stubs.map((s) => [s.id, s]));
  return data;
}

async function loadStubs() {
  let data, health;
  try { [data, health] = await Promise.all([fetchStubs(), api("/__admin/health")]); } catch (e) { return; }
  const h = $("#health");
  h.replaceChildren(el("p", {}, "Status: ", el("strong", { class: health.status === "ok" ? "s2" : "s5" }, health.status),
    ` — ${health.stubs} routes from ${health.files} files in ${health.stubs_dir}; last reload ${health.last_reload ? new Date(health.last_reload * 1000).toLocaleTimeString() : "never"}`));
  for (const err of health.load_errors || []) h.append(el("p", { class: "error" }, err));
  for (const w of health.warnings || []) h.append(el("p", { class: "s4" }, w));
  for (const [name, task] of Object.entries(health.tasks || {})) h.append(el("p", { class: "hint" }, `${name}: ${JSON.stringify(task)}`));
  const groups = new Map();
  for (const s of data.stubs) {
    const key = `${s.service || "(no service)"} — ${s.file || "ephemeral"}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(s);
  }
  const box = $("#stubs");
  box.replaceChildren(...[...groups].map(([key, routes]) => el("details", { open: "" }, el("summary", {}, `${key} (${routes.length})`),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Route"), el("th", {}, "Methods"), el("th", {}, "Path"), el("th", {}, "Line"), el("th", {}, "Variants"), el("th", {}, "Priority"))),
      el("tbody", {}, ...routes.map((s) => el("tr", {}, el("td", {}, s.id + (s.replaces ? " (override)" : "") + (s.ephemeral ? " (ephemeral)" : "")),
        el("td", {}, (s.methods || []).join(" ")), el("td", {}, s.path), el("td", {}, s.line ?? ""), el("td", {}, s.variants ?? ""), el("td", {}, s.priority ?? ""))))))));
}

// ---- behaviour --------------------------------------------------------------------------
async function loadBehaviour() {
  let profile, scen, limits;
  const session = $("#scenario-session").value;
  try {
    [profile, scen, limits] = await Promise.all([api("/__admin/profile"),
      api("/__admin/scenarios?session=" + encodeURIComponent(session)),
      api("/__admin/rate-limits?session=" + encodeURIComponent(session))]);
  } catch (e) { return; }
  const select = $("#profile");
  select.replaceChildren(el("option", { value: "" }, "(none)"), ...profile.profiles.map((p) => el("option", { value: p }, p)));
  select.value = profile.profile || "";
  const body = $("#scenarios tbody");
  body.replaceChildren(...Object.entries(scen.scenarios).map(([name, current]) => {
    const choose = el("select", { "aria-label": `state of ${name}` }, ...(scen.known_states[name] || [current]).map((s) => el("option", { value: s }, s)));
    choose.value = current;
    choose.addEventListener("change", async () => {
      await api("/__admin/scenarios", { method: "PUT", body: JSON.stringify({ session, states: { [name]: choose.value } }) });
      say(`${name} → ${choose.value}`);
      loadBehaviour();
    });
    return el("tr", {}, el("td", {}, name), el("td", {}, current), el("td", {}, choose));
  }));
  if (!body.rows.length) body.append(el("tr", {}, el("td", { colspan: "3" }, "No scenario in the stubs.")));
  const lb = $("#buckets tbody");
  lb.replaceChildren(...limits.buckets.map((b) => el("tr", {}, el("td", {}, b.bucket), el("td", {}, JSON.stringify(b.state)))));
  if (!lb.rows.length) lb.append(el("tr", {}, el("td", { colspan: "2" }, "No rate-limit bucket in this session yet.")));
}

$("#profile-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const value = $("#profile").value || null;
  await api("/__admin/profile", { method: "PUT", body: JSON.stringify({ profile: value }) });
  say(value ? `profile ${value} on` : "profile off");
});
$("#session-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadBehaviour(); });
$("#reset-session").addEventListener("click", async () => {
  const session = $("#scenario-session").value;
  await api("/__admin/reset?session=" + encodeURIComponent(session), { method: "POST" });
  say(`session ${session || "(default)"} reset`);
  loadBehaviour();
});

// ---- plots ------------------------------------------------------------------------------
function bars(svg, values, classes) {
  const w = svg.clientWidth || 600, h = svg.clientHeight || 140;
  const max = Math.max(1, ...values.map((v) => v.reduce((a, b) => a + b, 0)));
  const bw = w / Math.max(1, values.length);
  const shapes = [];
  values.forEach((stack, i) => {
    let y = h;
    stack.forEach((v, j) => {
      const bh = (v / max) * (h - 14);
      y -= bh;
      shapes.push(`<rect class="${classes[j]}" x="${i * bw + 1}" y="${y}" width="${Math.max(1, bw - 2)}" height="${bh}"><title>${v}</title></rect>`);
    });
  });
  shapes.push(`<text x="4" y="12" font-size="11">max ${max}</text>`);
  svg.innerHTML = shapes.join("");
}

function livePlots() {
  const now = Date.now();
  state.seen = state.seen.filter((s) => now - s.t < 60000);
  const perSecond = Array.from({ length: 60 }, () => [0]);
  const mix = Array.from({ length: 12 }, () => [0, 0, 0]);
  for (const s of state.seen) {
    const age = Math.floor((now - s.t) / 1000);
    perSecond[59 - age][0] += 1;
    if (s.status < 0) continue;  // not listed: counted in requests per second only
    const k = s.status >= 500 || s.status === 0 ? 2 : s.status >= 400 ? 1 : 0;
    mix[11 - Math.floor(age / 5)][k] += 1;
  }
  if (!$("#view-plots").hidden) {
    bars($("#rps"), perSecond, ["bar"]);
    bars($("#mix"), mix, ["bar2", "bar4", "bar5"]);
  }
}

function parseHistograms(text) {
  const out = new Map();
  const re = /^stubforge_request_duration_seconds_bucket\{route="([^"]*)",le="([^"]+)"\} (\S+)$/;
  for (const line of text.split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    if (!out.has(m[1])) out.set(m[1], []);
    out.get(m[1]).push([m[2], Number(m[3])]);
  }
  return out;
}

async function loadPlots() {
  livePlots();
  let text;
  try { text = await api("/__admin/metrics"); } catch (e) { return; }
  const box = $("#latency");
  box.replaceChildren();
  for (const [route, buckets] of parseHistograms(text)) {
    const counts = buckets.map(([, c], i) => [c - (i ? buckets[i - 1][1] : 0)]);
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `latency histogram of ${route}`);
    const stub = state.stubs.get(route);
    box.append(el("h4", {}, route + (stub && stub.latency ? ` (configured: ${JSON.stringify(stub.latency)})` : "")),
      el("p", { class: "hint" }, "buckets (upper bound, s): " + buckets.map(([le]) => le).join(" · ")), svg);
    bars(svg, counts, ["bar"]);
  }
  if (!box.children.length) box.append(el("p", { class: "hint" }, "No request counted yet."));
}

$("#plots-refresh").addEventListener("click", loadPlots);

// ---- start ------------------------------------------------------------------------------
async function start() {
  try { await fetchStubs(); } catch (e) { return; }
  stream().catch(() => say("disconnected"));
  setInterval(livePlots, 1000);
}

start();
