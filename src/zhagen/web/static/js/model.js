/* Axial and selective coding: relations between categories, the storyline, and a live
 * model diagram in two layouts (the tree: core → main → sub-categories with the relations as
 * arrows; the paradigm model: 因果条件 → 现象 → 情境/中介条件 → 行动策略 → 结果, roles given
 * per category). The library places the boxes (GET /api/model); a box dragged here keeps its
 * place in the project (PUT /api/model/boxes/<id>, undoable), and the SVG, PNG and PDF are
 * drawn by the library with the boxes where they were left. */
"use strict";

(function () {
  const { t, el, clear, api } = Z;
  const NS = "http://www.w3.org/2000/svg";
  const canWrite = Z.data.session.role !== "viewer";
  const $ = (id) => document.getElementById(id);
  const S = { codes: [], relations: [], byId: new Map(), editing: null, memoCount: new Map(), levels: [],
    layout: localStorage.getItem("zhagen.modelLayout") === "paradigm" ? "paradigm" : "tree", model: null, drag: null };
  const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  const BOX_H = 34;
  const HEAD = 24;
  const PAD = 10;
  const COLORS = { 4: "#8b2849", 3: "#8a4a23", 2: "#2f4f74" };
  const ROLE_COLORS = { "因果条件": "#2f4f74", "现象": "#8b2849", "情境": "#4d6b3c", "中介条件": "#4d6b3c", "行动策略": "#8a4a23", "结果": "#5b4a8a" };

  let loads = 0;  // the latest load draws: a layout switched while the first load runs must win

  async function load() {
    const mine = ++loads;
    const [codes, relations, story, vocab, memos, model] = await Promise.all([
      api("GET", "/api/codes"), api("GET", "/api/relations"), api("GET", "/api/storyline"), api("GET", "/api/vocab"),
      api("GET", "/api/memos?target_type=relation"), api("GET", "/api/model?layout=" + S.layout),
    ]);
    if (mine !== loads) return;
    S.model = model;
    S.memoCount = new Map();
    for (const m of memos) S.memoCount.set(m.target_id, (S.memoCount.get(m.target_id) || 0) + 1);
    S.codes = codes;
    S.byId = new Map(codes.map((c) => [c.id, c]));
    S.relations = relations;
    fillForm(vocab);
    renderRelations();
    if (document.activeElement !== $("storyline")) $("storyline").value = story.text;
    renderRoles();
    draw();
  }

  /** A role's name in the page's language. */
  function roleName(zh) {
    const r = S.model.roles.find((x) => x[0] === zh);
    return r && Z.data.lang === "en" ? r[1] : zh;
  }

  /** The paradigm layout: a role picker for every category (level 2-3), main categories first. */
  function renderRoles() {
    const box = clear($("roles"));
    box.hidden = S.layout !== "paradigm";
    if (box.hidden) return;
    const roleOf = new Map(S.model.boxes.map((b) => [b.id, b.role]));
    const cats = S.codes.filter((c) => c.level === 3).concat(S.codes.filter((c) => c.level === 2));
    if (!cats.length) { box.appendChild(el("p", { class: "muted", text: t("model.empty") })); return; }
    box.appendChild(el("p", { class: "muted small", text: t("model.roles_help") }));
    for (const c of cats) {
      const sel = el("select", { attrs: { "aria-label": c.name, "data-code": String(c.id) } });
      sel.appendChild(el("option", { value: "", text: t("model.no_role") }));
      for (const [zh] of S.model.roles) sel.appendChild(el("option", { value: zh, text: roleName(zh) }));
      sel.value = roleOf.get(c.id) || "";
      sel.disabled = !canWrite;
      sel.addEventListener("change", async () => {
        await api("PUT", "/api/model/roles/" + c.id, { role: sel.value });
        Z.changed();
      });
      box.appendChild(el("label", { class: "role-pick" }, el("span", { text: c.name }), sel));
    }
  }

  /** Categories (level 2-4) as options, and the code ``keep`` whatever its level (a
   * relation's end stays what it is unless the user picks another). */
  function codeOptions(sel, keep) {
    clear(sel);
    for (const c of S.codes.filter((x) => x.level >= 2 || x.id === +keep)) {
      sel.appendChild(el("option", { value: String(c.id), text: "\u3000".repeat(Math.max(0, 4 - (c.level || 1))) + c.name + (c.level ? " · " + levelName(c.level) : "") }));
    }
    if (keep) sel.value = String(keep);
  }

  /** A level's name in the page's language (from the library's levels, GET /api/vocab). */
  function levelName(level) {
    const l = S.levels.find((x) => x.level === level);
    return l ? (Z.data.lang === "en" ? l.en : l.zh) : String(level);
  }

  function fillForm(vocab) {
    S.levels = vocab.levels;
    for (const id of ["rel-source", "rel-target"]) codeOptions($(id), $(id).value);
    const dl = clear($("rel-types"));
    for (const ty of vocab.relation_types) dl.appendChild(el("option", { value: ty }));
    $("rel-form").hidden = !canWrite;
    $("save-story").hidden = !canWrite;
    $("storyline").readOnly = !canWrite;
  }

  // Each relation is a card: "from → type → to" with its buttons on one line (wrapping as
  // a whole), the description below across the card's full width.
  function renderRelations() {
    const list = clear($("rel-list"));
    if (!S.relations.length) list.appendChild(el("li", { class: "muted", text: t("model.no_relations") }));
    for (const r of S.relations) {
      if (S.editing === r.id) { list.appendChild(editForm(r)); continue; }
      const head = el("div", { class: "rel-head" }, el("span", { class: "end", text: r.source_name }), el("span", { class: "arrow", text: "→" }),
        el("span", { class: "type", text: r.type }), el("span", { class: "arrow", text: "→" }), el("span", { class: "end", text: r.target_name }));
      if (canWrite) {
        head.appendChild(el("span", { class: "rel-acts" },
          el("button", { type: "button", class: "link", text: t("common.edit"), on: { click: () => { S.editing = r.id; renderRelations(); } } }),
          el("button", { type: "button", class: "link", text: t("common.delete"), on: { click: async () => {
            await api("DELETE", "/api/relations/" + r.id);
            Z.changed();
          } } })));
      }
      head.insertBefore(el("a", { class: "small", href: "/memos" + Z.query({ target_type: "relation", target_id: r.id }),
        text: t("memo.open", { n: S.memoCount.get(r.id) || 0 }) }), head.querySelector(".rel-acts"));
      const li = el("li", { data: { id: r.id } }, head);
      if (location.hash === "#relation=" + r.id) li.classList.add("linked");  // a link from a memo
      if (r.description) li.appendChild(el("p", { class: "rel-desc", text: r.description }));
      list.appendChild(li);
    }
  }

  function editForm(r) {
    const src = el("select", { attrs: { name: "source", "aria-label": t("model.source") } });
    const tgt = el("select", { attrs: { name: "target", "aria-label": t("model.target") } });
    codeOptions(src, r.source);
    codeOptions(tgt, r.target);
    const type = el("input", { value: r.type, attrs: { name: "type", list: "rel-types", required: "", maxlength: "200" } });
    const desc = el("textarea", { value: r.description || "", attrs: { name: "description", rows: "3", maxlength: "20000" } });
    const form = el("form", { class: "rel-form rel-edit", attrs: { autocomplete: "off" } },
      el("label", null, t("model.source"), src), el("label", null, t("model.type"), type), el("label", null, t("model.target"), tgt),
      el("label", { class: "full" }, t("model.description"), desc),
      el("span", { class: "full rel-acts" }, el("button", { type: "submit", text: t("common.save") }),
        el("button", { type: "button", class: "ghost", text: t("common.cancel"), on: { click: () => { S.editing = null; renderRelations(); } } })));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      await api("PATCH", "/api/relations/" + r.id, { source: +src.value, target: +tgt.value, type: type.value.trim(), description: desc.value.trim() });
      S.editing = null;
      Z.changed();
    });
    return el("li", { class: "editing", data: { id: r.id } }, form);
  }

  async function addRelation(e) {
    e.preventDefault();
    await api("POST", "/api/relations", {
      source: +$("rel-source").value, target: +$("rel-target").value,
      type: $("rel-type").value.trim(), description: $("rel-desc").value.trim(),
    });
    $("rel-desc").value = "";
    Z.changed();
  }

  async function saveStory() {
    await api("PUT", "/api/storyline", { text: $("storyline").value });
    $("story-state").textContent = t("common.saved");
    setTimeout(() => { $("story-state").textContent = ""; }, 2000);
  }

  // -- the diagram -----------------------------------------------------------------------
  function svg(tag, attrs, text) {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function textWidth(s) {
    let w = 0;
    for (const ch of s) w += ch.codePointAt(0) > 0x2e80 ? 14 : 8;
    return w;
  }

  function drawBox(g, b) {
    const paradigm = S.layout === "paradigm";
    const color = paradigm ? ROLE_COLORS[b.role] || "#555" : COLORS[b.level] || "#555";
    const core = !paradigm && b.level === 4;
    const n = svg("g", { class: "box" + (canWrite ? " movable" : ""), "data-id": b.id, transform: "translate(" + b.x + "," + b.y + ")" });
    n.appendChild(svg("rect", { width: b.w, height: b.h, rx: 6, fill: core ? color : "#fff", stroke: color, "stroke-width": b.level === 2 ? 1 : 2 }));
    n.appendChild(svg("text", { x: b.w / 2, y: b.h / 2 + 5, "text-anchor": "middle", "font-size": b.level === 2 ? 13 : 15, "font-weight": b.level >= 3 ? 700 : 400, fill: core ? "#fff" : "#1f2a27" }, b.name));
    if (canWrite) n.addEventListener("pointerdown", (e) => startDrag(e, b));
    if (canWrite) n.addEventListener("dblclick", () => moveBox(b, null, null));
    g.appendChild(n);
  }

  /** The paradigm's groups: a dashed rectangle around each role's boxes, its name on top. */
  function groupRects(boxes) {
    const out = new Map();
    for (const b of boxes.values()) {
      if (!b.role) continue;
      const r = out.get(b.role) || { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
      r.x0 = Math.min(r.x0, b.x - PAD); r.y0 = Math.min(r.y0, b.y - PAD - HEAD);
      r.x1 = Math.max(r.x1, b.x + b.w + PAD); r.y1 = Math.max(r.y1, b.y + b.h + PAD);
      out.set(b.role, r);
    }
    for (const [k, r] of out) out.set(k, { x: r.x0, y: r.y0, w: r.x1 - r.x0, h: r.y1 - r.y0 });
    return out;
  }

  function drawParadigm(g, boxes) {
    const groups = groupRects(boxes);
    for (const [role, r] of groups) {
      const color = ROLE_COLORS[role] || "#555";
      g.appendChild(svg("rect", { x: r.x, y: r.y, width: r.w, height: r.h, rx: 8, fill: "#f7f5f0", stroke: color, "stroke-dasharray": "4 3" }));
      g.appendChild(svg("text", { x: r.x + r.w / 2, y: r.y + HEAD / 2 + 9, "text-anchor": "middle", "font-size": 13, fill: color }, roleName(role)));
    }
    for (const [a, b] of S.model.flows) {
      const ra = groups.get(a);
      const rb = groups.get(b);
      if (ra && rb) drawArrow(g, ra, rb);
    }
  }

  function drawArrow(g, a, b) {
    const dx = b.x + b.w / 2 - (a.x + a.w / 2);
    const dy = b.y + b.h / 2 - (a.y + a.h / 2);
    const [x1, y1] = clip(a, dx, dy);
    const [x2, y2] = clip(b, -dx, -dy);
    g.appendChild(svg("path", { d: "M" + x1 + "," + y1 + " L" + x2 + "," + y2, fill: "none", stroke: "#b5542f", "stroke-width": 1.6, "marker-end": "url(#arrow)" }));
  }

  function drawTree(g, boxes) {
    for (const b of boxes.values()) {
      const p = b.parent === null ? null : boxes.get(b.parent);
      if (!p) continue;
      let d;
      if (b.level === 2) {
        const x0 = p.x + 6;
        d = "M" + x0 + "," + (p.y + p.h) + " V" + (b.y + b.h / 2) + " H" + b.x;
      } else {
        const mid = (p.y + p.h + b.y) / 2;
        d = "M" + (p.x + p.w / 2) + "," + (p.y + p.h) + " V" + mid + " H" + (b.x + b.w / 2) + " V" + b.y;
      }
      g.appendChild(svg("path", { d, fill: "none", stroke: "#b8b2a4", "stroke-width": 1.2, "stroke-dasharray": b.level === 2 ? "" : "4 3" }));
    }
  }

  function clip(b, dx, dy) {
    const cx = b.x + b.w / 2;
    const cy = b.y + b.h / 2;
    const k = Math.min(dx ? (b.w / 2) / Math.abs(dx) : Infinity, dy ? (b.h / 2) / Math.abs(dy) : Infinity);
    return [cx + dx * k, cy + dy * k];
  }

  // Side by side in a row, a relation arcs from top to top above the row (as the library's
  // figure draws it), so that neither it nor its label covers a box between them.
  function drawRelation(g, a, b, type, lift) {
    let d, lx, ly;
    if (lift) {
      const x1 = a.x + a.w / 2, x2 = b.x + b.w / 2, top = Math.min(a.y, b.y) - 2 * lift;
      d = "M" + x1 + "," + a.y + " Q" + (x1 + x2) / 2 + "," + top + " " + x2 + "," + b.y;
      lx = (x1 + x2) / 2; ly = (a.y + b.y) / 4 + top / 2;
    } else {
      const dx = b.x + b.w / 2 - (a.x + a.w / 2);
      const dy = b.y + b.h / 2 - (a.y + a.h / 2);
      const [x1, y1] = clip(a, dx, dy);
      const [x2, y2] = clip(b, -dx, -dy);
      d = "M" + x1 + "," + y1 + " L" + x2 + "," + y2;
      lx = (x1 + x2) / 2; ly = (y1 + y2) / 2;
    }
    g.appendChild(svg("path", { d, fill: "none", stroke: "#b5542f", "stroke-width": 1.6, "marker-end": "url(#arrow)" }));
    const w = textWidth(type) + 10;
    g.appendChild(svg("rect", { x: lx - w / 2, y: ly - 10, width: w, height: 19, rx: 3, fill: "#fff", stroke: "#e7c9b9" }));
    g.appendChild(svg("text", { x: lx, y: ly + 4, "text-anchor": "middle", "font-size": 12, fill: "#8a4a23" }, type));
  }

  function drawRelations(g, boxes) {
    const seen = new Map();
    for (const r of S.model.relations) {
      const a = boxes.get(r.source);
      const b = boxes.get(r.target);
      if (!a || !b || a === b) continue;
      const key = Math.min(r.source, r.target) + "-" + Math.max(r.source, r.target);
      seen.set(key, (seen.get(key) || 0) + 1);
      drawRelation(g, a, b, r.type, Math.abs(a.y - b.y) < 4 ? 28 + 14 * (seen.get(key) - 1) : 0);
    }
  }

  // -- moving a box: drawn where the pointer takes it, kept in the project on release ------
  function startDrag(e, b) {
    e.preventDefault();
    const root = $("diagram").querySelector("svg");
    const m = root.getScreenCTM().inverse();
    const at = (ev) => { const pt = root.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY; return pt.matrixTransform(m); };
    const p0 = at(e);
    S.drag = { id: b.id, dx: p0.x - b.x, dy: p0.y - b.y, moved: false };
    const move = (ev) => {
      const p = at(ev);
      b.x = Math.max(0, Math.round(p.x - S.drag.dx));
      b.y = Math.max(0, Math.round(p.y - S.drag.dy));
      S.drag.moved = true;
      draw();
    };
    const up = async () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      const moved = S.drag && S.drag.moved;
      S.drag = null;
      if (moved) await moveBox(b, b.x, b.y);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  async function moveBox(b, x, y) {
    await api("PUT", "/api/model/boxes/" + b.id, { layout: S.layout, x, y });
    Z.changed();
  }

  function draw() {
    const box = clear($("diagram"));
    box.dataset.layout = S.layout;  // the layout drawn (tests and styles wait for it)
    const boxes = new Map((S.model ? S.model.boxes : []).map((b) => [b.id, b]));
    if (!boxes.size) { box.appendChild(el("p", { class: "muted", text: t(S.layout === "paradigm" ? "model.no_roles" : "model.empty") })); return; }
    let width = S.model.width, height = S.model.height;
    for (const b of boxes.values()) { width = Math.max(width, b.x + b.w + 30); height = Math.max(height, b.y + b.h + 40); }
    const root = svg("svg", { xmlns: NS, width, height, viewBox: "0 0 " + width + " " + height, "font-family": FONT });
    const defs = svg("defs");
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#b5542f" }));
    defs.appendChild(marker);
    root.appendChild(defs);
    root.appendChild(svg("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));
    const g = svg("g");
    if (S.layout === "paradigm") drawParadigm(g, boxes); else drawTree(g, boxes);
    for (const b of boxes.values()) drawBox(g, b);
    if (S.layout !== "paradigm") drawRelations(g, boxes);
    root.appendChild(g);
    box.appendChild(root);
  }

  /** The figure as the library draws it (the boxes where they were left), to download. */
  function download(format) {
    const a = el("a", { href: "/api/model/figure" + Z.query({ layout: S.layout, format }), attrs: { download: "model_" + S.layout + "." + format } });
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  $("rel-form").addEventListener("submit", addRelation);
  $("save-story").addEventListener("click", saveStory);
  let storyTimer = null;
  $("storyline").addEventListener("input", () => {
    if (!canWrite) return;
    clearTimeout(storyTimer);
    storyTimer = setTimeout(saveStory, 1200);  // every change is saved, a moment after typing stops
  });
  for (const f of ["svg", "png", "pdf"]) $("dl-" + f).addEventListener("click", () => download(f));
  $("model-layout").value = S.layout;
  $("model-layout").addEventListener("change", () => {
    S.layout = $("model-layout").value;
    localStorage.setItem("zhagen.modelLayout", S.layout);
    load();
  });
  document.addEventListener("zhagen:changed", load);
  load();
})();
