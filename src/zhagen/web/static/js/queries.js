/* Queries page (查询 / Queries): one tab per query — word frequency and its cloud, text
 * search with "code all hits", matrix coding, framework matrix, code co-occurrence — each
 * form made from its query's one parameter declaration (GET /api/params/<query>), each
 * matrix cell clickable to read the coded text behind it. Text only through textContent. */
"use strict";

(function () {
  const { t, el, clear, api, query } = Z;
  const $ = (id) => document.getElementById(id);
  const tabs = $("q-tabs");
  const form = $("q-form");
  const actions = $("q-actions");
  const out = $("q-out");
  const drill = $("q-drill");
  const QUERIES = ["words", "search", "matrix", "framework", "cooccurrence"];
  const GROUPINGS = ["type", "year", "source", "codes", "sets"];
  let current = null;
  let values = () => ({});

  function button(key, fn, cls) {
    return el("button", { type: "button", class: cls || "", text: t(key), on: { click: () => fn().catch(() => {}) } });
  }

  function busy(on) {
    for (const b of document.querySelectorAll("#q-form button, #q-actions button")) b.disabled = on;
    if (on) clear(out).appendChild(el("p", { class: "muted", text: t("common.loading") }));
  }

  function docLink(id) { return el("a", { href: "/documents/" + id, text: "#" + id }); }

  /** A table of header + rows of nodes/strings. */
  function table(head, rows, cls) {
    const body = el("tbody");
    for (const r of rows) body.appendChild(el("tr", null, ...r.map((c) => (c instanceof Node ? el("td", null, c) : el("td", { text: c })))));
    return el("div", { class: "grid-wrap" }, el("table", { class: "grid " + (cls || "") }, el("thead", null, el("tr", null, ...head.map((h) => el("th", { text: h })))), body));
  }

  function showUnits(title, units) {
    clear(drill).append(el("h2", { text: t("q.cell", { x: title }) }));
    if (!units.length) { drill.append(el("p", { class: "muted", text: t("q.none") })); return; }
    drill.append(table([t("q.document"), t("q.sentence"), t("q.text")],
      units.map((u) => [docLink(u.document), String(u.sentence), u.text])));
    drill.scrollIntoView({ block: "nearest" });
  }

  /** A matrix as a table whose cells are shaded by value and open their drill-down. */
  function matrixTable(res, onCell) {
    const max = Math.max(1, ...res.values.flat());
    const head = el("tr", null, el("th", { text: "" }), ...res.columns.map((c) => el("th", { text: c })));
    const body = el("tbody");
    res.rows.forEach((row, i) => {
      const tr = el("tr", null, el("th", { text: row }));
      res.values[i].forEach((v, j) => {
        const a = Math.round(255 - 120 * (v / max));
        const td = el("td", { class: "num q-cell", text: String(v), title: t("q.drill"),
          attrs: { style: `background: rgb(255, ${a}, ${Math.round(a * 0.8)}); cursor: pointer` },
          data: { row: i, col: j } });
        td.addEventListener("click", () => onCell(i, j).catch(() => {}));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    return el("div", { class: "grid-wrap" }, el("table", { class: "grid q-matrix" }, el("thead", null, head), body));
  }

  function download(name, fmt) {
    return () => Z.download(`/api/queries/${name}/download` + query({ ...values(), format: fmt }), `${name}.${fmt}`);
  }

  // -- one renderer per query -------------------------------------------------------------
  const RENDER = {
    async words(res) {
      out.append(el("p", { class: "muted", text: t("q.totals", { total: res.total, distinct: res.distinct, docs: res.documents }) }));
      if (!res.rows.length) { out.append(el("p", { class: "muted", text: t("q.none") })); return; }
      const img = el("img", { class: "q-cloud", attrs: { alt: t("q.cloud"), src: "/api/queries/words/cloud" + query(values()), style: "max-width: 100%; border: 1px solid #ddd" } });
      out.append(el("h2", { text: t("q.cloud") }), img);
      out.append(table(Object.keys(res.definitions), res.rows.map((r) => [r.word, String(r.count), String(r.documents), r.share.toFixed(2), r.similar.join("、")]), "q-words"));
      const en = Z.data.lang === "en";
      out.append(el("h2", { text: t("q.definitions") }),
        el("ul", null, ...Object.entries(res.definitions).map(([k, d]) => el("li", { text: `${k}: ${en ? d.en : d.zh}` }))));
    },
    async search(res) {
      out.append(el("p", { class: "muted q-total", text: t("q.hits", { total: res.total, docs: res.documents, shown: res.shown }) }));
      out.append(table([t("q.document"), t("q.sentence"), t("q.text")], res.hits.map((h) => [
        docLink(h.document), String(h.sentence),
        el("span", null, h.before, el("mark", { text: h.text }), h.after)]), "q-hits"));
    },
    async matrix(res) {
      const en = Z.data.lang === "en";
      out.append(el("p", { class: "muted", text: en ? res.definition.en : res.definition.zh }));
      out.append(matrixTable(res, async (i, j) => {
        const units = await api("GET", "/api/queries/matrix/cell" + query({ ...values(), row: res.row_ids[i][0], column: res.columns[j] }));
        showUnits(`${res.rows[i]} × ${res.columns[j]}`, units);
      }));
      out.append(el("h2", { text: t("q.heat") }), el("img", { class: "q-heat", attrs: { alt: t("q.heat"), style: "max-width: 100%", src: "/api/queries/matrix/download" + query({ ...values(), format: "png" }) } }));
    },
    async framework(res) {
      out.append(table([t("q.document"), ...res.columns], res.rows.map((r) => [
        el("span", null, docLink(r.document), " " + r.title), ...r.cells.map((c) => el("div", { attrs: { style: "white-space: pre-wrap" }, text: c.join("\n") }))]), "q-framework"));
      if (res.total > res.rows.length) out.append(el("p", { class: "muted", text: t("common.more", { n: res.total - res.rows.length }) }));
    },
    async cooccurrence(res) {
      out.append(matrixTable(res, async (i, j) => {
        const units = await api("GET", "/api/queries/cooccurrence/cell" + query({ ...values(), a: res.rows[i], b: res.columns[j] }));
        showUnits(`${res.rows[i]} × ${res.columns[j]}`, units);
      }));
      out.append(el("h2", { text: t("q.heat") }), el("img", { class: "q-heat", attrs: { alt: t("q.heat"), style: "max-width: 100%", src: "/api/queries/cooccurrence/download" + query({ ...values(), format: "png" }) } }));
    },
  };
  const FILES = { words: ["csv", "png"], search: ["csv"], matrix: ["csv", "xlsx", "png"], framework: ["xlsx", "csv"], cooccurrence: ["csv", "xlsx", "png"] };

  async function run() {
    busy(true);
    clear(drill);
    try {
      const res = await api("GET", `/api/queries/${current}` + query(values()));
      clear(out);
      await RENDER[current](res);
    } catch (err) {
      clear(out);
      throw err;
    } finally { busy(false); }
  }

  async function codeAll() {
    const name = $("q-code-name").value.trim();
    const res = await api("POST", "/api/queries/search/code", { name, ...values() });
    Z.toast(t("q.coded", { n: res.spans, docs: res.documents }));
    Z.changed("codings");
  }

  async function open(name) {
    current = name;
    for (const b of tabs.children) b.classList.toggle("on", b.dataset.query === name);
    clear(form); clear(actions); clear(out); clear(drill);
    const specs = await api("GET", "/api/params/" + name);
    for (const [key, spec] of Object.entries(specs)) form.append(Z.paramField(key, spec));
    const columns = form.querySelector("[name=columns]");
    if (columns) {  // the groupings offered; any other the server knows may be typed
      const list = el("datalist", { attrs: { id: "q-groupings" } }, ...GROUPINGS.map((g) => el("option", { value: g })));
      columns.setAttribute("list", "q-groupings");
      form.append(list);
    }
    values = () => Z.paramValues(form, specs);
    form.append(el("button", { type: "submit", class: "primary", text: t("q.run") }));
    for (const fmt of FILES[name]) actions.append(button("common.download", download(name, fmt), "ghost"));
    [...actions.children].forEach((b, i) => { b.textContent = `${t("common.download")} ${FILES[name][i].toUpperCase()}`; });
    if (name === "search" && Z.data.session.role !== "viewer") {
      const names = el("datalist", { attrs: { id: "q-code-names" } });
      actions.append(el("input", { type: "text", attrs: { id: "q-code-name", list: "q-code-names", placeholder: t("q.code_name"), maxlength: "200" } }),
        names, button("q.code_all", codeAll));
      api("GET", "/api/codes", undefined, { quiet: true })
        .then((codes) => { for (const c of codes) names.appendChild(el("option", { value: c.name })); })
        .catch(() => {});
    }
    history.replaceState(null, "", "#" + name);
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); run().catch(() => {}); });
  for (const name of QUERIES) {
    tabs.append(el("button", { type: "button", class: "tab", text: t("q.tab." + name), data: { query: name }, attrs: { role: "tab" }, on: { click: () => open(name).catch(() => {}) } }));
  }
  const first = QUERIES.includes(location.hash.slice(1)) ? location.hash.slice(1) : "words";
  open(first).catch(() => {});
})();
