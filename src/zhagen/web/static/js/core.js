/* zhagen web workbench: shared helpers (hand-written, no library).
 *
 * Safety rule for every script of the workbench: data reaches the page only through
 * textContent, element properties and setAttribute on known attributes — never through
 * innerHTML. Z.el builds elements that way.
 */
"use strict";

const Z = (function () {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const strings = data.strings || {};

  /** The UI string for key, with {name} placeholders filled from vars. */
  function t(key, vars) {
    let s = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
    if (vars) {
      for (const k of Object.keys(vars)) s = s.split("{" + k + "}").join(String(vars[k]));
    }
    return s;
  }

  /** The name of a column, value or choice (prefix + value: "col.", "val.", "choice.<param>."),
   * or the value itself when the translation table has none. */
  function label(prefix, value) {
    const key = prefix + value;
    return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : String(value);
  }

  function csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return (data.session && data.session.csrf) || (meta ? meta.content : "");
  }

  /** Build an element: props {class, text, title, attrs:{}, data:{}, on:{}}, children. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    const p = props || {};
    if (p.class) node.className = p.class;
    if (p.text !== undefined && p.text !== null) node.textContent = String(p.text);
    if (p.title) node.title = p.title;
    if (p.type) node.type = p.type;
    if (p.value !== undefined) node.value = p.value;
    if (p.href) node.setAttribute("href", p.href);
    if (p.attrs) for (const [k, v] of Object.entries(p.attrs)) node.setAttribute(k, v);
    if (p.data) for (const [k, v] of Object.entries(p.data)) node.dataset[k] = v;
    if (p.on) for (const [k, fn] of Object.entries(p.on)) node.addEventListener(k, fn);
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function toast(message, kind) {
    const box = document.getElementById("toasts");
    const item = el("div", { class: "toast " + (kind || "info"), text: message });
    box.appendChild(item);
    setTimeout(() => item.classList.add("out"), kind === "error" ? 6000 : 2500);
    setTimeout(() => item.remove(), kind === "error" ? 6600 : 3100);
  }

  function errorText(body) {
    const e = body && body.error;
    if (!e) return t("common.error");
    return data.lang === "en" ? e.message_en : e.message_zh;
  }

  /** Call the JSON API. Throws an Error with .status and .body; toasts it unless quiet. */
  async function api(method, url, body, opts) {
    const o = opts || {};
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = csrf();
    let payload;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
    } catch (err) {
      if (!o.quiet) toast(t("common.offline"), "error");
      err.network = true;
      throw err;
    }
    const type = res.headers.get("content-type") || "";
    const out = type.includes("application/json") ? await res.json() : await res.blob();
    if (!res.ok) {
      if (res.status === 401 && data.page !== "login" && data.session && data.session.auth_required) {
        location.href = "/login?next=" + encodeURIComponent(location.pathname);
      }
      const err = new Error(errorText(out));
      err.status = res.status;
      err.body = out;
      if (!o.quiet) toast(err.message, "error");
      throw err;
    }
    return out;
  }

  /** Fetch a file (GET or POST with a JSON body) and save it under its name. */
  async function download(url, name, body) {
    const blob = await api(body === undefined ? "GET" : "POST", url, body);
    saveBlob(blob, name);
  }

  function saveBlob(blob, name) {
    const href = URL.createObjectURL(blob);
    const a = el("a", { href, attrs: { download: name } });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10000);
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null && v !== "") q.set(k, v);
    }
    const s = q.toString();
    return s ? "?" + s : "";
  }

  // -- forms made from an analysis's one parameter declaration (GET /api/params/<analysis>):
  // type, default, choices, bounds, labels and help in Chinese and English. Values go as
  // typed; the server converts and checks them by the same declaration.

  /** The input of one declared parameter (its name on the node), without a label. */
  function paramInput(name, spec, choiceText) {
    let node;
    if (spec.choices) {
      node = el("select", { attrs: { name } });
      for (const c of spec.choices) node.appendChild(el("option", { value: c, text: choiceText ? choiceText(c) : label("choice." + name + ".", c) }));
      node.value = spec.default;
    } else if (spec.type === "scope") {
      node = scopeInput(name);
    } else if (spec.type === "bool") {
      node = el("input", { type: "checkbox", attrs: { name } });
      node.checked = spec.default === true;
    } else if (spec.type === "years") {
      node = el("input", { type: "text", attrs: { name, placeholder: "2000-2025", pattern: "\\s*\\d{3,4}\\s*(-\\s*\\d{3,4}\\s*)?" } });
    } else if (spec.type === "int" || spec.type === "float") {
      const attrs = { name, step: spec.type === "float" ? "any" : "1" };
      if (spec.low !== null && !spec.low_open) attrs.min = spec.low;
      if (spec.high !== null && !spec.high_open) attrs.max = spec.high;
      node = el("input", { type: "number", attrs });
      if (spec.default !== null) node.value = spec.default;
    } else {
      node = el("input", { type: "text", attrs: { name, size: "8", placeholder: spec.type === "strs" ? "a,b" : "" } });
      if (spec.default !== null) node.value = Array.isArray(spec.default) ? spec.default.join(",") : spec.default;
    }
    return node;
  }

  // The scope of an analysis (a query; set:NAME names a set): a text field offering the
  // project's sets, showing how many documents the query selects, and remembered per page.
  function scopeInput(name) {
    const key = "zhagen.scope." + location.pathname;
    const listId = "scope-sets-" + name;
    const node = el("input", { type: "text", attrs: { name, list: listId, size: "24", placeholder: "set:…  type:journal  year:2015-2024" } });
    const count = el("small", { class: "muted scope-count" });
    const list = el("datalist", { attrs: { id: listId } });
    node.value = localStorage.getItem(key) || "";
    let timer = null;
    async function preview() {
      localStorage.setItem(key, node.value.trim());
      try {
        const res = await api("GET", "/api/scope" + query({ q: node.value.trim() }), undefined, { quiet: true });
        count.textContent = t("scope.count", { n: res.count, total: res.total });
        node.setCustomValidity("");
      } catch (err) {
        count.textContent = err.message || "";
        node.setCustomValidity(err.message || "bad scope");
      }
    }
    node.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(preview, 300); });
    api("GET", "/api/sets", undefined, { quiet: true }).then((sets) => {
      for (const s of sets) list.appendChild(el("option", { value: "set:" + (/[\s()"]/.test(s.name) ? '"' + s.name + '"' : s.name), text: s.name + " (" + s.count + ")" }));
    }).catch(() => {});
    preview();
    node.scopeExtras = [list, count];
    return node;
  }

  /** A labelled field of a declared parameter; ``input`` replaces the made one (a coder list). */
  function paramField(name, spec, opts) {
    const o = opts || {};
    const node = o.input || paramInput(name, spec, o.choiceText);
    node.setAttribute("name", name);
    const en = data.lang === "en";
    const help = en ? spec.help_en : spec.help_zh;
    return el("label", { title: help || name }, (en ? spec.label_en : spec.label_zh) + " ", node, ...(node.scopeExtras || []));
  }

  /** The values of a form's declared fields (``[name]`` in ``specs``), as typed. */
  function paramValues(form, specs) {
    const out = {};
    for (const node of form.querySelectorAll("[name]")) {
      const spec = specs[node.name];
      if (!spec) continue;
      if (spec.type === "bool") out[node.name] = node.checked;
      else if (node.value !== "") out[node.name] = node.value;
    }
    return out;
  }

  function typing(event) {
    const tag = (event.target && event.target.tagName) || "";
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.target.isContentEditable;
  }

  function changed(what) {
    document.dispatchEvent(new CustomEvent("zhagen:changed", { detail: what || {} }));
  }

  // Live updates: ask the server once a second (while the tab is visible) what changed
  // since the last answer; call onChange({ changes, reset }) when something did. The
  // server answers every tab from one shared cache (see web/services/live.py).
  function live(onChange, every) {
    let version = null;
    let failures = 0;
    async function tick() {
      if (!document.hidden) {
        try {
          const res = await api("GET", "/api/changes" + query({ since: version }), undefined, { quiet: true });
          if (version !== null && (res.changes.length || res.reset)) onChange(res);
          version = res.version;
          failures = 0;
        } catch (err) {
          failures = Math.min(failures + 1, 5);
        }
      }
      setTimeout(tick, (every || 1000) * (1 + failures));
    }
    tick();
  }

  async function step(kind) {
    if (data.session && data.session.role === "viewer") return;
    const res = await api("POST", "/api/" + kind);
    if (!res.done) toast(t(kind === "undo" ? "common.nothing_undo" : "common.nothing_redo"));
    else toast(t(kind === "undo" ? "common.undone" : "common.redone", { x: half(res.description) }), "ok");
    changed({ kind });
  }

  /** The half of a "中文 / English" message in the page's language. */
  function half(text) {
    const s = String(text || "");
    const i = s.indexOf(" / ");
    if (i < 0) return s;
    return data.lang === "en" ? s.slice(i + 3) : s.slice(0, i);
  }

  function setLang(lang) {
    document.cookie = "zhagen_lang=" + lang + "; path=/; SameSite=Strict; max-age=31536000";
    location.reload();
  }

  /** Use this coder name from now on, in this browser (kept in localStorage). */
  async function setCoder(name) {
    const s = data.session || {};
    const info = await api("PUT", "/api/session/coder", { name });
    localStorage.setItem("zhagen.coder", info.coder);
    s.coder = info.coder;
    const chip = document.getElementById("coder-name");
    if (chip) chip.textContent = info.coder;
    return info;
  }

  // First use in a browser (no name kept, a session that may choose one, not a viewer):
  // ask for the coder's name or initials before any coding is recorded under "default",
  // as NVivo asks at its first start. A bar above the page, not a modal, so nothing is
  // blocked while the user decides.
  function askCoder() {
    const s = data.session || {};
    if (!s.coder_settable || s.role === "viewer" || data.page === "login") return;
    if (localStorage.getItem("zhagen.coder")) return;
    const main = document.getElementById("main");
    if (!main || document.getElementById("first-use")) return;
    const input = el("input", { type: "text", attrs: { id: "first-coder", maxlength: "100", required: "", placeholder: t("first.placeholder"), "aria-label": t("nav.coder") } });
    const form = el("form", { class: "first-use", attrs: { id: "first-use", autocomplete: "off" } },
      el("strong", { text: t("first.title") }), el("span", { class: "muted", text: t("first.hint") }),
      input, el("button", { type: "submit", text: t("first.save") }));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const name = input.value.trim();
      if (!name) return;
      await setCoder(name);
      form.remove();
      toast(t("first.done", { x: name }), "ok");
    });
    main.insertBefore(form, main.firstChild);
  }

  async function syncCoder() {
    const s = data.session || {};
    if (!s.coder_settable) return;
    const saved = localStorage.getItem("zhagen.coder");
    if (saved && saved !== s.coder) {
      try {
        const info = await api("PUT", "/api/session/coder", { name: saved }, { quiet: true });
        s.coder = info.coder;
        const chip = document.getElementById("coder-name");
        if (chip) chip.textContent = info.coder;
      } catch (e) { /* keep the server's name */ }
    }
  }

  function wireFrame() {
    const undo = document.getElementById("undo");
    const redo = document.getElementById("redo");
    if (undo) undo.addEventListener("click", () => step("undo"));
    if (redo) redo.addEventListener("click", () => step("redo"));
    const lang = document.getElementById("lang");
    if (lang) lang.addEventListener("click", () => setLang(data.lang === "en" ? "zh" : "en"));
    const logout = document.getElementById("logout");
    if (logout) {
      logout.addEventListener("click", async () => {
        await api("POST", "/api/logout");
        location.href = "/login";
      });
    }
    document.addEventListener("keydown", (e) => {
      if (typing(e) || !(e.ctrlKey || e.metaKey)) return;
      const k = e.key.toLowerCase();
      if (k === "z" && !e.shiftKey) { e.preventDefault(); step("undo"); }
      else if ((k === "z" && e.shiftKey) || k === "y") { e.preventDefault(); step("redo"); }
    });
  }

  /** A table of {columns, rows} (rows are arrays), cells as text; column names through the
   * translation table ("col."), and the cells of the columns in ``o.values`` ("val."). */
  function grid(tbl, opts) {
    const o = opts || {};
    const cols = o.columns || tbl.columns;
    const idx = cols.map((c) => tbl.columns.indexOf(c));
    const values = new Set(o.values || []);
    const head = el("tr", null, ...cols.map((c) => el("th", { text: label("col.", c) })));
    const body = el("tbody");
    for (const row of tbl.rows) {
      const tr = el("tr");
      idx.forEach((i, j) => {
        const v = i >= 0 ? row[i] : "";
        const td = el("td", { text: values.has(cols[j]) && v !== null ? label("val.", v) : fmt(v) });
        if (o.cell) o.cell(td, cols[j], v, row);
        tr.appendChild(td);
      });
      if (o.row) o.row(tr, row);
      body.appendChild(tr);
    }
    const table = el("table", { class: "grid" }, el("thead", null, head), body);
    const wrap = el("div", { class: "grid-wrap" }, table);
    if (tbl.total > tbl.rows.length) wrap.appendChild(el("p", { class: "muted", text: t("common.more", { n: tbl.total - tbl.rows.length }) }));
    return wrap;
  }

  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number" && !Number.isInteger(v)) return v.toFixed(3);
    if (typeof v === "string" && /^-?\d+\.\d{4,}$/.test(v)) return Number(v).toFixed(3);
    if (Array.isArray(v)) return v.join("、");
    return String(v);
  }

  // A request that never reached the server (offline, or the page closing while a refresh
  // was in flight) has been toasted by api() already; callers that do not catch it should
  // not add an "Uncaught (in promise)" error on top. Every other error still surfaces.
  window.addEventListener("unhandledrejection", (e) => {
    if (e.reason && e.reason.network) e.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", () => { wireFrame(); syncCoder(); askCoder(); });

  return { data, t, label, setCoder, el, clear, toast, half, api, download, saveBlob, query, typing, changed, live, grid, fmt, csrf,
    paramInput, paramField, paramValues };
})();
