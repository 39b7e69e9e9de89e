/* Tables, saturation and agreement pages: what the CLI computes, with downloads. Each
 * form is made from its analysis's one parameter declaration (GET /api/params/<page>). */
"use strict";

(function () {
  const { t, el, clear, api, query, grid } = Z;
  const page = Z.data.page;
  const $ = (id) => document.getElementById(id);
  const form = $("report-form");
  const actions = $("report-actions");
  const out = $("report");
  const blind = Z.data.session.blind;

  function field(label, input) { return el("label", null, label + " ", input); }

  /** The declared fields of this page's analysis (``coder``: the list of coders). */
  async function declaredFields(analysis, opts) {
    const specs = await api("GET", "/api/params/" + analysis);
    for (const [name, spec] of Object.entries(specs)) {
      let input;
      if (name === "coder") {
        input = await coderSelect(true);
        input.disabled = blind;
      }
      form.append(Z.paramField(name, spec, { input, choiceText: (opts || {}).choiceText }));
    }
    return () => Z.paramValues(form, specs);
  }

  function button(key, fn, cls) {
    return el("button", { type: "button", class: cls || "", text: t(key), on: { click: fn } });
  }

  async function coderSelect(allowEmpty) {
    const sel = el("select");
    if (allowEmpty) sel.appendChild(el("option", { value: "", text: t("common.all") }));
    for (const name of await api("GET", "/api/coders")) sel.appendChild(el("option", { value: name, text: name }));
    return sel;
  }

  function busy(on) {
    for (const b of document.querySelectorAll("#report-form button, #report-actions button")) b.disabled = on;
    if (on) clear(out).appendChild(el("p", { class: "muted", text: t("common.loading") }));
  }

  // -- tables ----------------------------------------------------------------------------
  async function tablesPage() {
    const values = await declaredFields("tables");
    form.append(button("common.compute", () => showTables().catch(() => {})));
    const params = () => query(values());
    actions.append(
      button("tables.xlsx", () => Z.download("/api/tables/download" + query({ format: "xlsx", ...values() }), "coding_tables.xlsx")),
      button("tables.docx", () => Z.download("/api/tables/download" + query({ format: "docx", ...values() }), "coding_tables.docx")),
      button("tables.qdpx", () => Z.download("/api/export/qdpx", "project.qdpx"), "ghost"));
    async function showTables() {
      busy(true);
      try {
        const res = await api("GET", "/api/tables" + params());
        clear(out);
        if (res.chain) out.append(el("h2", { text: t("tables.chain") }), el("p", { class: "chain", text: res.chain }));
        for (const tb of res.tables) {
          out.append(el("h2", { text: Z.label("caption.", tb.caption) }), grid(tb, { columns: tb.display }));
        }
        if (res.storyline) out.append(el("h2", { text: t("model.storyline") }), el("p", { class: "storyline-text", text: res.storyline }));
      } finally { busy(false); }
    }
    document.addEventListener("zhagen:changed", showTables);
    await showTables();
  }

  // -- saturation ------------------------------------------------------------------------
  async function saturationPage() {
    const values = await declaredFields("saturation");
    const params = () => query(values());
    form.append(button("common.compute", () => show().catch(() => {})));
    actions.append(button("tables.xlsx", () => Z.download("/api/saturation/download" + params(), "saturation.xlsx")));
    async function show() {
      busy(true);
      try {
        const res = await api("GET", "/api/saturation" + params());
        clear(out);
        const verdict = Z.data.lang === "en" ? res.verdict_en : res.verdict_zh;
        out.appendChild(el("p", { class: "verdict" + (res.saturated === false ? " no" : ""), text: verdict }));
        (res.warnings || []).forEach((w) => out.appendChild(el("p", { class: "muted", text: Z.data.lang === "en" ? w.en : w.zh })));
        out.appendChild(el("h2", { text: t("sat.holdout") }));
        const p = el("p");
        res.holdout.forEach((d, i) => { if (i) p.append("、"); p.appendChild(el("a", { href: "/documents/" + d, text: "#" + d })); });
        out.appendChild(p);
        if (res.uncoded_holdout.length) out.appendChild(el("p", { class: "muted", text: t("sat.uncoded") + "：" + res.uncoded_holdout.map((d) => "#" + d).join("、") }));
        const hide = res.other_language_columns[Z.data.lang];
        const pick = (tb) => ({ columns: tb.columns.filter((c) => !hide.includes(c)), values: ["kind"] });
        out.append(el("h2", { text: t("sat.new") }), grid(res.new, pick(res.new)), el("h2", { text: t("sat.counts") }), grid(res.counts, pick(res.counts)));
      } finally { busy(false); }
    }
    await show().catch(() => {});
  }

  // -- agreement -------------------------------------------------------------------------
  const AGREE_COLS = ["code_name", "units", "both", "a_only", "b_only", "neither", "percent_agreement", "holsti_r", "kappa", "alpha"];

  // The AI coder (the top-1 suggestions, as `zhagen agreement --coders 甲 AI`) is offered
  // beside the people; its name is the library's (project.suggestions.AI_CODER).
  async function aiCoder() {
    try { return (await api("GET", "/api/suggestions" + query({ limit: 0 }), undefined, { quiet: true })).ai_coder; }
    catch (err) { return null; }
  }

  function definitions(ai) {
    const box = el("div", { class: "agr-defs" }, el("h2", { text: t("agr.definitions") }));
    const list = el("dl");
    for (const k of ["percent_agreement", "holsti_r", "kappa", "alpha"]) list.append(el("dt", { text: Z.label("col.", k) }), el("dd", { text: t("agr.def." + k) }));
    box.appendChild(list);
    if (ai) box.appendChild(el("p", { class: "note", text: t("agr.ai_note") }));
    return box;
  }

  async function agreementPage() {
    const a = await coderSelect(false);
    const b = await coderSelect(false);
    const ai = await aiCoder();
    if (ai) for (const sel of [a, b]) if (!Array.from(sel.options).some((o) => o.value === ai)) sel.appendChild(el("option", { value: ai, text: t("agr.ai", { x: ai }) }));
    if (b.options.length > 1) b.selectedIndex = 1;
    form.append(field(t("agr.a"), a), field(t("agr.b"), b));
    const values = await declaredFields("agreement");
    const body = () => ({ a: a.value, b: b.value, ...values() });
    const isAi = () => ai !== null && (a.value === ai || b.value === ai);
    form.append(button("common.compute", () => show().catch(() => {})));
    actions.append(button("tables.xlsx", () => Z.download("/api/agreement/download", "agreement.xlsx", body())));
    if (blind) out.appendChild(el("p", { class: "note", text: t("agr.blind_note") }));
    else if (a.value && b.value && a.value !== b.value) show().catch(() => {});
    async function show() {
      busy(true);
      try {
        const res = await api("POST", "/api/agreement", body());
        clear(out);
        // the pooled row is named in both languages ("合计 / pooled"): the page's half
        const half = (td, col, v) => { if (col === "code_name" && typeof v === "string") td.textContent = Z.half(v); };
        out.append(el("h2", { text: t("agr.pooled") }), grid(res.pooled, { columns: AGREE_COLS.filter((c) => res.pooled.columns.includes(c)), cell: half }),
          el("h2", { text: t("agr.by_code") }), grid(res.by_code, { columns: AGREE_COLS.filter((c) => res.by_code.columns.includes(c)) }),
          definitions(isAi()));
      } finally { busy(false); }
    }
  }

  const pages = { tables: tablesPage, saturation: saturationPage, agreement: agreementPage };
  form.addEventListener("submit", (e) => e.preventDefault());
  pages[page]();
})();
