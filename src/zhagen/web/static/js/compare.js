/* Coding comparison: two coders' codings of one document side by side, the text only one
 * of them coded (a disagreement) marked in both columns, and per code κ and agreement over
 * this document beside them (computed by the library's agreement functions, never here).
 * A click on a code in the table shows that code alone; a click on a disagreement scrolls
 * both columns to it. The two columns hold the same text, so they scroll together.
 *
 * Text is only ever written with textContent.
 */
"use strict";

(function () {
  const { t, el, clear, api } = Z;
  const DOC = Z.data.doc_id;
  const $ = (id) => document.getElementById(id);
  const S = { cps: [], codes: new Map(), res: null, code: null };
  const UNIT = { char: t("choice.unit.char"), sentence: t("choice.unit.sentence") };
  const unitName = (u) => UNIT[u] || u;

  function colorOf(code) { const c = S.codes.get(code); return c ? c.color : "#999999"; }

  async function start() {
    const [info, text, codings, codes, params] = await Promise.all([
      api("GET", "/api/documents/" + DOC), api("GET", "/api/documents/" + DOC + "/text"),
      api("GET", "/api/documents/" + DOC + "/codings"), api("GET", "/api/codes"),
      api("GET", "/api/params/agreement"),
    ]);
    $("cmp-title").textContent = t("cmp.title") + " · " + (info.title || "#" + DOC);
    $("back").href = "/documents/" + DOC;
    S.cps = Array.from(text.text);
    S.codes = new Map(codes.map((c) => [c.id, c]));
    const coders = Array.from(new Set(codings.codings.map((k) => k.coder))).sort();
    const q = new URLSearchParams(location.search);
    const a = q.get("a") || coders[0] || "";
    const b = q.get("b") || coders.find((x) => x !== a) || "";
    for (const [id, pick] of [["coder-a", a], ["coder-b", b]]) {
      const sel = $(id);
      for (const c of coders) sel.appendChild(el("option", { value: c, text: c }));
      sel.value = pick;
      sel.addEventListener("change", load);
    }
    const spec = params.unit;
    if (spec) {
      const field = Z.paramField("unit", spec, { choiceText: unitName });
      $("unit-field").appendChild(field);
      field.querySelector("[name=unit]").addEventListener("change", load);
    }
    for (const [x, y] of [["text-a", "text-b"], ["text-b", "text-a"]]) {
      $(x).addEventListener("scroll", () => { if (S.syncing !== y) { S.syncing = x; $(y).scrollTop = $(x).scrollTop; requestAnimationFrame(() => { S.syncing = null; }); } }, { passive: true });
    }
    await load();
  }

  async function load() {
    const a = $("coder-a").value;
    const b = $("coder-b").value;
    if (!a || !b || a === b) { $("cmp-status").textContent = t("cmp.pick"); return; }
    $("cmp-status").textContent = "";
    const unit = document.querySelector("#unit-field [name=unit]");
    S.res = await api("GET", "/api/documents/" + DOC + "/compare" + Z.query({ a, b, unit: unit ? unit.value : "" }));
    history.replaceState(null, "", location.pathname + Z.query({ a, b }));
    render();
  }

  function render() {
    const r = S.res;
    const [a, b] = r.coders;
    $("head-a").textContent = t("agr.a") + " · " + a;
    $("head-b").textContent = t("agr.b") + " · " + b;
    const dis = r.disagreements.filter((d) => S.code === null || d.code === S.code);
    drawText($("text-a"), r.codings[a], dis, a);
    drawText($("text-b"), r.codings[b], dis, b);
    drawTable(r);
    drawList(dis, a);
  }

  function drawText(box, codings, dis, who) {
    const shown = codings.filter((k) => S.code === null || k.code === S.code);
    const set = new Set([0, S.cps.length]);
    for (const k of [...shown, ...dis]) { set.add(k.start); set.add(k.end); }
    const pts = Array.from(set).sort((x, y) => x - y);
    const frag = document.createDocumentFragment();
    for (let i = 0; i + 1 < pts.length; i++) {
      const s = pts[i];
      const e = pts[i + 1];
      const span = el("span", { data: { s } });
      span.textContent = S.cps.slice(s, e).join("");
      const here = shown.filter((k) => k.start <= s && k.end >= e);
      const off = dis.filter((d) => d.start <= s && d.end >= e);
      if (here.length) {
        span.className = "k";
        span.style.backgroundColor = colorOf(here[0].code) + "33";
        span.style.boxShadow = "inset 0 -2px 0 " + colorOf(here[0].code);
      }
      if (off.length) {
        span.classList.add("dis");
        span.title = off.map((d) => t("cmp.only", { x: d.coder, c: d.code_name })).join("\n");
      } else if (here.length) span.title = here.map((k) => k.code_name).join("\n");
      frag.appendChild(span);
    }
    clear(box).appendChild(frag);
  }

  function fmt(v, digits) { return v === null || v === undefined ? "–" : Number(v).toFixed(digits); }

  function drawTable(r) {
    const table = clear($("kappa"));
    table.appendChild(el("tr", null, ...["cmp.code", "cmp.kappa", "cmp.agree", "cmp.a_only", "cmp.b_only"].map((k) => el("th", { text: t(k) }))));
    for (const m of r.missing) table.appendChild(el("tr", null, el("td", { class: "bad", attrs: { colspan: "5" }, text: t("cmp.missing", { x: m }) })));
    for (const row of r.by_code) {
      const sw = el("span", { class: "swatch" });
      sw.style.backgroundColor = colorOf(row.code);
      const low = row.kappa !== null && row.kappa < 0.6;
      const tr = el("tr", { class: "code" + (S.code === row.code ? " on" : ""), data: { code: row.code } },
        el("td", null, sw, row.code_name),
        el("td", { class: "kappa-value" + (low ? " bad" : ""), text: fmt(row.kappa, 3) }),
        el("td", { text: fmt(row.percent_agreement, 1) }),
        el("td", { text: String(row.a_only) }), el("td", { text: String(row.b_only) }));
      tr.addEventListener("click", () => { S.code = S.code === row.code ? null : row.code; render(); });
      table.appendChild(tr);
    }
    $("kappa-note").textContent = t("cmp.kappa_note", { u: unitName(r.unit) });
  }

  function drawList(dis, a) {
    $("dis-head").textContent = t("cmp.disagreements", { n: dis.length });
    const list = clear($("dis-list"));
    for (const d of dis.slice(0, 500)) {
      const li = el("li", null,
        el("div", { class: "code-name", text: d.code_name }),
        el("div", { class: "excerpt", text: S.cps.slice(d.start, Math.min(d.end, d.start + 80)).join("") }),
        el("div", { class: "meta" }, el("span", { text: t("cmp.only", { x: d.coder, c: d.code_name }) }), el("span", { text: "[" + d.start + ", " + d.end + ")" })));
      li.style.borderLeftColor = d.coder === a ? "#4e79a7" : "#e15759";
      li.addEventListener("click", () => jump(d.start));
      list.appendChild(li);
    }
  }

  function jump(start) {
    for (const box of [$("text-a"), $("text-b")]) {
      const span = Array.from(box.children).find((n) => +n.dataset.s === start);
      if (!span) continue;
      span.scrollIntoView({ block: "center" });
      span.classList.remove("flash");
      void span.offsetWidth;
      span.classList.add("flash");
    }
  }

  start();
})();
