/* Tables, saturation and agreement pages: what the CLI computes, with downloads. */
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
    const coder = await coderSelect(true);
    coder.disabled = blind;
    form.append(field(t("tables.coder"), coder), button("common.compute", () => showTables()));
    const params = () => query({ coder: coder.value });
    actions.append(
      button("tables.xlsx", () => Z.download("/api/tables/download" + query({ format: "xlsx", coder: coder.value }), "coding_tables.xlsx")),
      button("tables.docx", () => Z.download("/api/tables/download" + query({ format: "docx", coder: coder.value }), "coding_tables.docx")),
      button("tables.qdpx", () => Z.download("/api/export/qdpx", "project.qdpx"), "ghost"));
    async function showTables() {
      busy(true);
      try {
        const res = await api("GET", "/api/tables" + params());
        clear(out);
        if (res.chain) out.append(el("h2", { text: t("tables.chain") }), el("p", { class: "chain", text: res.chain }));
        for (const tb of res.tables) {
          out.append(el("h2", { text: tb.caption }), grid(tb, { columns: tb.display }));
        }
        if (res.storyline) out.append(el("h2", { text: t("model.storyline") }), el("p", { class: "storyline-text", text: res.storyline }));
      } finally { busy(false); }
    }
    document.addEventListener("zhagen:changed", showTables);
    await showTables();
  }

  // -- saturation ------------------------------------------------------------------------
  async function saturationPage() {
    const fraction = el("input", { value: "1/3", attrs: { size: "6" } });
    const seed = el("input", { type: "number", value: "0", attrs: { min: "0", step: "1" } });
    seed.style.width = "7em";
    const coder = await coderSelect(true);
    coder.disabled = blind;
    const params = () => query({ fraction: fraction.value.trim(), seed: seed.value, coder: coder.value });
    form.append(field(t("sat.fraction"), fraction), field(t("sat.seed"), seed), field(t("docs.coder"), coder),
      button("common.compute", () => show()));
    actions.append(button("tables.xlsx", () => Z.download("/api/saturation/download" + params(), "saturation.xlsx")));
    async function show() {
      busy(true);
      try {
        const res = await api("GET", "/api/saturation" + params());
        clear(out);
        const verdict = Z.data.lang === "en" ? res.verdict_en : res.verdict_zh;
        out.appendChild(el("p", { class: "verdict" + (res.saturated === false ? " no" : ""), text: verdict }));
        out.appendChild(el("h2", { text: t("sat.holdout") }));
        const p = el("p");
        res.holdout.forEach((d, i) => { if (i) p.append("、"); p.appendChild(el("a", { href: "/documents/" + d, text: "#" + d })); });
        out.appendChild(p);
        if (res.uncoded_holdout.length) out.appendChild(el("p", { class: "muted", text: t("sat.uncoded") + "：" + res.uncoded_holdout.map((d) => "#" + d).join("、") }));
        const en = Z.data.lang === "en";
        const hide = en ? ["reason_zh", "level_name"] : ["reason_en", "level_name_en"];
        const pick = (tb) => ({ columns: tb.columns.filter((c) => !hide.includes(c)) });
        out.append(el("h2", { text: t("sat.new") }), grid(res.new, pick(res.new)), el("h2", { text: t("sat.counts") }), grid(res.counts, pick(res.counts)));
      } finally { busy(false); }
    }
    await show().catch(() => {});
  }

  // -- agreement -------------------------------------------------------------------------
  const AGREE_COLS = ["code_name", "units", "both", "a_only", "b_only", "neither", "percent_agreement", "holsti_r", "kappa", "alpha"];

  async function agreementPage() {
    const a = await coderSelect(false);
    const b = await coderSelect(false);
    if (b.options.length > 1) b.selectedIndex = 1;
    const unit = el("select", null, el("option", { value: "char", text: t("agr.unit_char") }), el("option", { value: "sentence", text: t("agr.unit_sentence") }));
    const body = () => ({ a: a.value, b: b.value, unit: unit.value });
    form.append(field(t("agr.a"), a), field(t("agr.b"), b), field(t("agr.unit"), unit), button("common.compute", () => show()));
    actions.append(button("tables.xlsx", () => Z.download("/api/agreement/download", "agreement.xlsx", body())));
    if (blind) out.appendChild(el("p", { class: "note", text: t("agr.blind_note") }));
    else if (a.value && b.value && a.value !== b.value) show().catch(() => {});
    async function show() {
      busy(true);
      try {
        const res = await api("POST", "/api/agreement", body());
        clear(out);
        out.append(el("h2", { text: t("agr.pooled") }), grid(res.pooled, { columns: AGREE_COLS.filter((c) => res.pooled.columns.includes(c)) }),
          el("h2", { text: t("agr.by_code") }), grid(res.by_code, { columns: AGREE_COLS.filter((c) => res.by_code.columns.includes(c)) }));
      } finally { busy(false); }
    }
  }

  const pages = { tables: tablesPage, saturation: saturationPage, agreement: agreementPage };
  form.addEventListener("submit", (e) => e.preventDefault());
  pages[page]();
})();
