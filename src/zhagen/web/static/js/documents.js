/* Documents page: list with search and filters, full-text search, drag-and-drop import. */
"use strict";

(function () {
  const { t, el, clear, api, query } = Z;
  const PAGE = 100;
  const state = { offset: 0, total: 0, selected: new Set() };
  const canWrite = Z.data.session.role !== "viewer";
  const $ = (id) => document.getElementById(id);

  function fillSelect(select, values, current, prefix) {
    const keep = select.value || current;
    while (select.options.length > 1) select.remove(1);
    for (const v of values) select.appendChild(el("option", { text: prefix ? Z.label(prefix, v) : v, value: String(v) }));
    select.value = keep || "";
  }

  function filters() {
    return {
      q: $("fulltext").checked ? "" : $("q").value.trim(),
      type: $("f-type").value,
      year: $("f-year").value,
      coded: $("f-coded").value,
      coder: $("f-coder").value,
      scope: $("f-scope") ? $("f-scope").value.trim() : "",
      offset: state.offset,
      limit: PAGE,
    };
  }

  function row(d) {
    const title = el("a", { href: "/documents/" + d.id, text: d.title || "(" + d.id + ")" });
    const kw = d.keywords && d.keywords.length ? el("div", { class: "kw", text: d.keywords.join("；") }) : null;
    const pick = el("input", { type: "checkbox", class: "pick", attrs: { "aria-label": "#" + d.id } });
    pick.checked = state.selected.has(d.id);
    pick.addEventListener("change", () => {
      if (pick.checked) state.selected.add(d.id); else state.selected.delete(d.id);
      showSelected();
    });
    return el("tr", { data: { id: d.id } },
      el("td", null, pick),
      el("td", { class: "num", text: d.id }),
      el("td", { class: "title" }, title, kw),
      el("td", { text: (d.authors || []).slice(0, 4).join("；") }),
      el("td", { class: "num", text: d.year === null ? "" : d.year }),
      el("td", { text: d.type ? Z.label("val.", d.type) : "" }),
      el("td", { text: d.venue || "" }),
      el("td", { class: "num", text: d.codings }));
  }

  async function load() {
    const res = await api("GET", "/api/documents" + query(filters()));
    state.total = res.total;
    fillSelect($("f-type"), res.facets.types, undefined, "val.");
    fillSelect($("f-year"), res.facets.years.slice().reverse());
    fillSelect($("f-coder"), res.facets.coders);
    const body = clear(document.querySelector("#doc-table tbody"));
    for (const d of res.items) body.appendChild(row(d));
    if (!res.items.length) body.appendChild(el("tr", null, el("td", { attrs: { colspan: "8" }, class: "muted", text: t("docs.empty") })));
    $("sel-all").checked = res.items.length > 0 && res.items.every((d) => state.selected.has(d.id));
    $("doc-count").textContent = t("docs.total", { n: res.total });
    const pages = Math.max(1, Math.ceil(res.total / PAGE));
    $("page-no").textContent = (Math.floor(state.offset / PAGE) + 1) + " / " + pages;
    $("prev").disabled = state.offset === 0;
    $("next").disabled = state.offset + PAGE >= res.total;
    if ($("fulltext").checked && $("q").value.trim()) await fulltext($("q").value.trim());
    else $("hits").hidden = true;
  }

  async function fulltext(q) {
    const res = await api("GET", "/api/search" + query({ q }));
    const box = clear($("hits"));
    box.hidden = false;
    box.appendChild(el("p", { class: "muted", text: t("docs.hits", { n: res.total }) }));
    const list = el("ul");
    for (const h of res.hits) {
      const link = el("a", { href: "/documents/" + h.document + "#at=" + h.start + "-" + h.end, text: "#" + h.document });
      const ctx = el("span", { class: "context" });
      const i = h.context.indexOf(h.text);
      if (i >= 0) {
        ctx.append(h.context.slice(0, i), el("mark", { text: h.text }), h.context.slice(i + h.text.length));
      } else ctx.textContent = h.context;
      list.appendChild(el("li", null, link, " ", ctx));
    }
    box.appendChild(list);
  }

  // -- sets: the selected documents, or every document the filter shows, into a set -------
  function showSelected() {
    $("sel-count").textContent = state.selected.size ? t("sets.selected", { n: state.selected.size }) : "";
    $("add-to-set").disabled = !canWrite || !state.selected.size;
  }

  function selectPage(on) {
    for (const box of document.querySelectorAll("#doc-table tbody tr[data-id]")) {
      const id = +box.dataset.id;
      if (on) state.selected.add(id); else state.selected.delete(id);
      box.querySelector("input.pick").checked = on;
    }
    showSelected();
  }

  async function addToSet() {
    const name = (window.prompt(t("sets.name_prompt"), "") || "").trim();
    if (!name) return;
    const ids = Array.from(state.selected);
    const sets = await api("GET", "/api/sets");
    const res = sets.some((s) => s.name === name)
      ? await api("POST", "/api/sets/" + encodeURIComponent(name) + "/add", { doc_ids: ids })
      : await api("POST", "/api/sets", { name, doc_ids: ids });
    Z.toast(t("sets.added", { name, n: res.count }));
    state.selected.clear();
    showSelected();
    load();
  }

  async function saveFilter() {
    const name = (window.prompt(t("sets.name_prompt"), "") || "").trim();
    if (!name) return;
    const f = filters();
    delete f.offset;
    delete f.limit;
    const res = await api("POST", "/api/sets", { name, filters: f });
    Z.toast(t("sets.saved", { name, n: res.count }));
  }

  function wireScope() {
    // the scope picker of the analysis pages, as a filter of the list
    const input = Z.paramInput("scope", { type: "scope" });
    input.id = "f-scope";
    $("f-scope-box").append(input, ...(input.scopeExtras || []));
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => { state.offset = 0; load().catch(() => {}); }, 400);
    });
  }

  function wireSets() {
    $("sel-all").addEventListener("change", (e) => selectPage(e.target.checked));
    $("add-to-set").addEventListener("click", addToSet);
    $("save-filter").addEventListener("click", saveFilter);
    $("save-filter").disabled = !canWrite;
    showSelected();
  }

  // -- import ---------------------------------------------------------------------------
  function report(res) {
    const box = clear($("import-report"));
    box.hidden = false;
    box.appendChild(el("p", { text: t("docs.imported", { n: res.records, f: res.failed }) }));
    for (const f of res.files) {
      const mark = f.status === "failed" ? "✗" : f.status === "skipped" ? "=" : "✓";
      const line = el("div", { class: "file " + f.status },
        mark + " " + f.name + " — " + (f.status === "skipped" ? t("docs.skipped") : f.records + " (" + (f.format || "?") + ")"));
      box.appendChild(line);
      for (const p of f.problems.slice(0, 20)) {
        const msg = Z.data.lang === "en" ? p.message_en : p.message_zh;
        const where = (p.record ? "#" + p.record + " " : "") + (p.line ? "L" + p.line + " " : "");
        box.appendChild(el("div", { class: "problem " + p.severity, text: where + msg }));
      }
    }
  }

  async function upload(files) {
    if (!files.length) return;
    const form = new FormData();
    for (const f of files) form.append("files", f, f.name);
    const box = clear($("import-report"));
    box.hidden = false;
    box.appendChild(el("p", { class: "muted", text: t("docs.importing", { n: files.length }) }));
    try {
      report(await api("POST", "/api/documents/upload", form));
    } catch (e) {
      box.textContent = e.message;
      box.classList.add("error");
      return;
    }
    box.classList.remove("error");
    state.offset = 0;
    await load();
  }

  function wireDrop() {
    const zone = $("dropzone");
    for (const ev of ["dragenter", "dragover"]) {
      zone.addEventListener(ev, (e) => { e.preventDefault(); zone.classList.add("over"); });
    }
    for (const ev of ["dragleave", "drop"]) {
      zone.addEventListener(ev, (e) => { e.preventDefault(); zone.classList.remove("over"); });
    }
    zone.addEventListener("drop", (e) => upload(Array.from(e.dataTransfer.files || [])));
    $("file-input").addEventListener("change", (e) => { upload(Array.from(e.target.files)); e.target.value = ""; });
    // a drop outside the zone must not open the file in the browser
    window.addEventListener("dragover", (e) => e.preventDefault());
    window.addEventListener("drop", (e) => e.preventDefault());
    if (Z.data.session.role === "viewer") zone.hidden = true;
  }

  function wireFilters() {
    let timer = null;
    const again = () => { state.offset = 0; load(); };
    $("q").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(again, 250); });
    $("filters").addEventListener("submit", (e) => { e.preventDefault(); again(); });
    for (const id of ["fulltext", "f-type", "f-year", "f-coded", "f-coder"]) $(id).addEventListener("change", again);
    $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); load(); });
    $("next").addEventListener("click", () => { state.offset += PAGE; load(); });
    document.addEventListener("zhagen:changed", () => load());
    document.addEventListener("keydown", (e) => {
      if (e.key === "/" && !Z.typing(e)) { e.preventDefault(); $("q").focus(); }
    });
  }

  wireDrop();
  wireFilters();
  wireScope();
  wireSets();
  load();
})();
