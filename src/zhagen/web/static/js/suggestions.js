/* The suggestion queue: open suggestions across documents, best first, within a scope and
 * above a minimum score (the form is made from QueueParams: GET /api/params/suggestions).
 * J/K (or ↓/↑) move, Enter accepts the selected one (a coding by me, one undo step),
 * Delete or Backspace rejects it (never suggested again for that sentence and code).
 * The newest evaluation (κ, macro-F1, top-3 recall, n, when) is shown first; only then is
 * bulk acceptance above a score offered (the library refuses it without one as well).
 * A second tab lists a model's open-coding proposals (new code names) to adopt as codes.
 * A suggestion is never a coding until accepted. Text is only ever written with
 * textContent.
 */
"use strict";

(function () {
  const { t, el, clear, api, query } = Z;
  const $ = (id) => document.getElementById(id);
  const canWrite = Z.data.session.role !== "viewer";
  const S = { rows: [], at: 0, busy: false, specs: null, tab: "queue", evaluation: null, proposals: [] };
  const form = $("sug-form");

  function values() { return S.specs ? Z.paramValues(form, S.specs) : {}; }
  function scope() { return values().scope || null; }

  async function buildForm() {
    S.specs = await api("GET", "/api/params/suggestions");
    for (const [name, spec] of Object.entries(S.specs)) form.append(Z.paramField(name, spec));
    form.append(el("button", { type: "submit", text: t("sug.show") }));
    form.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  }

  async function refresh() {
    await Promise.all([load(), loadProposals()]);
  }

  async function load() {
    const res = await api("GET", "/api/suggestions" + query({ ...values(), limit: 500 }));
    S.rows = res.suggestions;
    S.at = Math.min(S.at, Math.max(0, S.rows.length - 1));
    S.evaluation = res.evaluation;
    showEvaluation(res.evaluation);
    const more = $("sug-more");
    more.hidden = res.total <= S.rows.length;
    more.textContent = t("sug.more", { n: S.rows.length, total: res.total });
    draw();
    bulkCount();
  }

  // -- the newest evaluation, before any bulk acceptance ---------------------------------
  function num(v) { return v === null || v === undefined ? "–" : Number(v).toFixed(3); }

  function showEvaluation(ev) {
    const box = clear($("sug-eval"));
    $("sug-bulk").hidden = !ev || !canWrite;
    if (!ev) { box.appendChild(el("p", { class: "note", text: t("sug.noeval") })); return; }
    const when = String(ev.created || "").slice(0, 16).replace("T", " ");
    box.append(
      el("strong", { text: t("sug.kappa") + "（" + when + "）" }),
      el("span", { class: "sug-stat", title: t("sug.def_kappa"), text: "κ = " + num(ev.kappa) }),
      el("span", { class: "sug-stat", title: t("sug.def_f1"), text: t("sug.macro_f1") + " = " + num(ev.macro_f1) }),
      el("span", { class: "sug-stat", title: t("sug.def_top3"), text: t("sug.top3") + " = " + num(ev.top3_recall) }),
      el("span", { class: "sug-stat", text: "n = " + (ev.n_test === null || ev.n_test === undefined ? "–" : ev.n_test) }),
      el("span", { class: "muted small", text: t("sug.eval_of", { x: ev.coder || "" }) }));
  }

  function threshold() { return Number($("sug-threshold").value); }

  function bulkCount() {
    const x = threshold();
    const n = S.rows.filter((r) => r.rank === 1 && r.code !== null && r.score >= x).length;
    $("sug-bulk-count").textContent = t("sug.bulk_count", { n });
  }

  async function bulk() {
    const x = threshold();
    if (!(x >= 0 && x <= 1) || S.busy) return;
    if (!window.confirm(t("sug.bulk_confirm", { x: x.toFixed(2) }))) return;
    S.busy = true;
    try {
      const res = await api("POST", "/api/suggestions/accept_above", { score: x, scope: scope() });
      Z.toast(t("sug.bulk_done", { n: res.accepted }), "ok");
      $("sug-status").textContent = t("sug.bulk_done", { n: res.accepted });
      await refresh();
    } finally {
      S.busy = false;
    }
  }

  // -- the queue -------------------------------------------------------------------------
  function codeText(r) { return r.new_code ? t("doc.ghost_new", { x: r.new_code }) : (r.code_name || ""); }

  function draw() {
    const body = $("sug-rows");
    clear(body);
    $("sug-empty").hidden = S.rows.length > 0;
    S.rows.forEach((r, i) => {
      const tr = el("tr", { class: i === S.at ? "on" : "", data: { id: String(r.id) } });
      const link = el("a", { href: "/documents/" + r.document + "#at=" + r.start + "-" + r.end, text: r.title || "#" + r.document });
      tr.appendChild(el("td", {}, link));
      tr.appendChild(el("td", { text: String(r.sentence + 1) }));
      tr.appendChild(el("td", { class: "sug-text", text: r.text, title: r.rationale || "" }));
      tr.appendChild(el("td", { class: "sug-code", text: codeText(r) }));
      tr.appendChild(el("td", { text: r.score.toFixed(2) }));
      const cell = el("td", { class: "sug-act" });
      if (canWrite) {
        const ok = el("button", { type: "button", class: "sug-accept", text: t("sug.accept") });
        const no = el("button", { type: "button", class: "sug-reject ghost", text: t("sug.reject") });
        ok.addEventListener("click", () => { S.at = i; decide("accept"); });
        no.addEventListener("click", () => { S.at = i; decide("reject"); });
        cell.append(ok, no);
      }
      tr.appendChild(cell);
      tr.addEventListener("click", () => { S.at = i; mark(); });
      body.appendChild(tr);
    });
  }

  function mark() {
    const trs = $("sug-rows").children;
    for (let i = 0; i < trs.length; i++) trs[i].classList.toggle("on", i === S.at);
    if (trs[S.at]) trs[S.at].scrollIntoView({ block: "nearest" });
  }

  async function decide(action) {
    const r = S.rows[S.at];
    if (!r || S.busy || !canWrite) return;
    S.busy = true;
    try {
      await api("POST", "/api/suggestions/" + r.id + "/" + action, {});
      $("sug-status").textContent = t(action === "accept" ? "sug.accepted" : "sug.rejected");
      await refresh();
    } finally {
      S.busy = false;
    }
  }

  // -- open-coding proposals: new code names to adopt ------------------------------------
  async function loadProposals() {
    const res = await api("GET", "/api/suggestions/proposals" + query({ scope: scope() }));
    S.proposals = res.proposals;
    $("tab-proposals").textContent = t("sug.tab_proposals") + "（" + S.proposals.length + "）";
    const body = clear($("prop-rows"));
    $("prop-empty").hidden = S.proposals.length > 0;
    for (const g of S.proposals) {
      const ex = el("ul", { class: "prop-examples" });
      for (const x of g.examples) {
        ex.appendChild(el("li", null,
          el("a", { href: "/documents/" + x.document + "#at=" + x.start + "-" + x.end, text: "#" + x.document + "·" + (x.sentence + 1) }),
          " " + (x.quote || ""),
          x.rationale ? el("span", { class: "muted small", text: " — " + x.rationale }) : null));
      }
      const name = el("td", { class: "sug-code", text: g.name });
      if (g.existing !== null) name.appendChild(el("span", { class: "muted small", text: " " + t("sug.prop_existing") }));
      const act = el("td", { class: "sug-act" });
      if (canWrite) act.appendChild(el("button", { type: "button", class: "prop-adopt", text: t("sug.adopt"), on: { click: () => adopt(g) } }));
      body.appendChild(el("tr", { data: { name: g.name } }, name, el("td", { text: String(g.count) }),
        el("td", { text: String(g.documents.length) }), el("td", { text: g.best.toFixed(2) }), el("td", null, ex), act));
    }
  }

  async function adopt(g) {
    if (S.busy) return;
    S.busy = true;
    try {
      const res = await api("POST", "/api/suggestions/adopt", { name: g.name, scope: scope() });
      Z.toast(t("sug.adopted", { x: g.name, n: res.codings.length }), "ok");
      await refresh();
    } finally {
      S.busy = false;
    }
  }

  function showTab(name) {
    S.tab = name;
    for (const b of document.querySelectorAll(".suggest-page .tab")) b.classList.toggle("on", b.dataset.tab === name);
    for (const b of document.querySelectorAll(".suggest-page [data-body]")) b.hidden = b.dataset.body !== name;
  }

  document.addEventListener("keydown", (e) => {
    if (Z.typing(e) || S.tab !== "queue") return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "j" || e.key === "J" || e.key === "ArrowDown") { S.at = Math.min(S.at + 1, S.rows.length - 1); mark(); e.preventDefault(); }
    else if (e.key === "k" || e.key === "K" || e.key === "ArrowUp") { S.at = Math.max(S.at - 1, 0); mark(); e.preventDefault(); }
    else if (e.key === "Enter" && !(e.target.closest && e.target.closest("button, a"))) { decide("accept"); e.preventDefault(); }
    else if (e.key === "Delete" || e.key === "Backspace") { decide("reject"); e.preventDefault(); }
  });
  for (const b of document.querySelectorAll(".suggest-page .tab")) b.addEventListener("click", () => showTab(b.dataset.tab));
  $("sug-threshold").addEventListener("input", bulkCount);
  $("sug-bulk-go").addEventListener("click", () => bulk().catch(() => {}));
  document.addEventListener("zhagen:changed", () => refresh().catch(() => {}));

  buildForm().then(refresh);
})();
