/* Axial and selective coding: relations between categories, the storyline, and a live
 * model diagram (core → main → sub-categories, relations as arrows) drawn in SVG, saved as
 * SVG or PNG (through a canvas). */
"use strict";

(function () {
  const { t, el, clear, api } = Z;
  const NS = "http://www.w3.org/2000/svg";
  const canWrite = Z.data.session.role !== "viewer";
  const $ = (id) => document.getElementById(id);
  const S = { codes: [], relations: [], byId: new Map(), editing: null, memoCount: new Map(), levels: [] };
  const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  const BOX_H = 34;
  const GAP_X = 28;
  const GAP_Y = 16;
  const COLORS = { 4: "#8b2849", 3: "#8a4a23", 2: "#2f4f74" };

  async function load() {
    const [codes, relations, story, vocab, memos] = await Promise.all([
      api("GET", "/api/codes"), api("GET", "/api/relations"), api("GET", "/api/storyline"), api("GET", "/api/vocab"),
      api("GET", "/api/memos?target_type=relation"),
    ]);
    S.memoCount = new Map();
    for (const m of memos) S.memoCount.set(m.target_id, (S.memoCount.get(m.target_id) || 0) + 1);
    S.codes = codes;
    S.byId = new Map(codes.map((c) => [c.id, c]));
    S.relations = relations;
    fillForm(vocab);
    renderRelations();
    if (document.activeElement !== $("storyline")) $("storyline").value = story.text;
    draw();
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

  function children(id) { return S.codes.filter((c) => c.parent === id); }

  function layout() {
    const cores = S.codes.filter((c) => c.level === 4);
    const mains = S.codes.filter((c) => c.level === 3);
    const boxes = new Map();
    let x = GAP_X;
    const yMain = 30 + BOX_H + 110;
    for (const m of mains) {
      const subs = children(m.id).filter((c) => c.level === 2);
      const w = Math.max(textWidth(m.name) + 28, ...subs.map((s) => textWidth(s.name) + 24), 110);
      boxes.set(m.id, { x, y: yMain, w, h: BOX_H, code: m });
      subs.forEach((s, i) => boxes.set(s.id, { x: x + 14, y: yMain + BOX_H + 30 + i * (BOX_H + GAP_Y), w: w - 14, h: BOX_H, code: s }));
      x += w + GAP_X;
    }
    const width = Math.max(x, 480);
    cores.forEach((c, i) => {
      const w = textWidth(c.name) + 40;
      const cx = width / (cores.length + 1) * (i + 1);
      boxes.set(c.id, { x: cx - w / 2, y: 30, w, h: BOX_H + 6, code: c });
    });
    let height = yMain + BOX_H + 40;
    for (const b of boxes.values()) height = Math.max(height, b.y + b.h + 40);
    return { boxes, width, height };
  }

  function drawBox(g, b) {
    const color = COLORS[b.code.level] || "#555";
    g.appendChild(svg("rect", { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6, fill: b.code.level === 4 ? color : "#fff", stroke: color, "stroke-width": b.code.level === 2 ? 1 : 2 }));
    g.appendChild(svg("text", { x: b.x + b.w / 2, y: b.y + b.h / 2 + 5, "text-anchor": "middle", "font-size": b.code.level === 2 ? 13 : 15, "font-weight": b.code.level >= 3 ? 700 : 400, fill: b.code.level === 4 ? "#fff" : "#1f2a27" }, b.code.name));
  }

  function drawTree(g, boxes) {
    for (const b of boxes.values()) {
      const p = b.code.parent === null ? null : boxes.get(b.code.parent);
      if (!p) continue;
      let d;
      if (b.code.level === 2) {
        const x0 = p.x + 6;
        d = "M" + x0 + "," + (p.y + p.h) + " V" + (b.y + b.h / 2) + " H" + b.x;
      } else {
        const mid = (p.y + p.h + b.y) / 2;
        d = "M" + (p.x + p.w / 2) + "," + (p.y + p.h) + " V" + mid + " H" + (b.x + b.w / 2) + " V" + b.y;
      }
      g.appendChild(svg("path", { d, fill: "none", stroke: "#b8b2a4", "stroke-width": 1.2, "stroke-dasharray": b.code.level === 2 ? "" : "4 3" }));
    }
  }

  function clip(b, dx, dy) {
    const cx = b.x + b.w / 2;
    const cy = b.y + b.h / 2;
    const k = Math.min(dx ? (b.w / 2) / Math.abs(dx) : Infinity, dy ? (b.h / 2) / Math.abs(dy) : Infinity);
    return [cx + dx * k, cy + dy * k];
  }

  function drawRelation(g, a, b, type, bend) {
    const dx = b.x + b.w / 2 - (a.x + a.w / 2);
    const dy = b.y + b.h / 2 - (a.y + a.h / 2);
    const [x1, y1] = clip(a, dx, dy);
    const [x2, y2] = clip(b, -dx, -dy);
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    const cx = (x1 + x2) / 2 - ((y2 - y1) / len) * bend;
    const cy = (y1 + y2) / 2 + ((x2 - x1) / len) * bend;
    g.appendChild(svg("path", { d: "M" + x1 + "," + y1 + " Q" + cx + "," + cy + " " + x2 + "," + y2, fill: "none", stroke: "#b5542f", "stroke-width": 1.6, "marker-end": "url(#arrow)" }));
    const lx = 0.25 * x1 + 0.5 * cx + 0.25 * x2;
    const ly = 0.25 * y1 + 0.5 * cy + 0.25 * y2;
    const w = textWidth(type) + 10;
    g.appendChild(svg("rect", { x: lx - w / 2, y: ly - 10, width: w, height: 19, rx: 3, fill: "#fff", stroke: "#e7c9b9" }));
    g.appendChild(svg("text", { x: lx, y: ly + 4, "text-anchor": "middle", "font-size": 12, fill: "#8a4a23" }, type));
  }

  function drawRelations(g, boxes) {
    S.relations.forEach((r) => {
      const a = boxes.get(r.source);
      const b = boxes.get(r.target);
      if (!a || !b || a === b) return;
      const sameRow = Math.abs(a.y - b.y) < 4;
      drawRelation(g, a, b, r.type, sameRow ? 40 : 0);
    });
  }

  function draw() {
    const box = clear($("diagram"));
    const { boxes, width, height } = layout();
    if (!boxes.size) { box.appendChild(el("p", { class: "muted", text: t("model.empty") })); return; }
    const top = 0;
    const root = svg("svg", { xmlns: NS, width, height: height + top, viewBox: "0 " + -top + " " + width + " " + (height + top), "font-family": FONT });
    const defs = svg("defs");
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#b5542f" }));
    defs.appendChild(marker);
    root.appendChild(defs);
    root.appendChild(svg("rect", { x: 0, y: -top, width, height: height + top, fill: "#ffffff" }));
    const g = svg("g");
    drawTree(g, boxes);
    for (const b of boxes.values()) drawBox(g, b);
    drawRelations(g, boxes);
    root.appendChild(g);
    box.appendChild(root);
  }

  function svgText() {
    const node = $("diagram").querySelector("svg");
    return node ? '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(node) : null;
  }

  function downloadSvg() {
    const text = svgText();
    if (text) Z.saveBlob(new Blob([text], { type: "image/svg+xml" }), "model.svg");
  }

  function downloadPng() {
    const node = $("diagram").querySelector("svg");
    const text = svgText();
    if (!node || !text) return;
    const scale = 2;
    const w = +node.getAttribute("width");
    const h = +node.getAttribute("height");
    const img = new Image();
    const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
    img.onload = () => {
      const canvas = el("canvas");
      canvas.width = w * scale;
      canvas.height = h * scale;
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => Z.saveBlob(blob, "model.png"), "image/png");
    };
    img.src = url;
  }

  $("rel-form").addEventListener("submit", addRelation);
  $("save-story").addEventListener("click", saveStory);
  let storyTimer = null;
  $("storyline").addEventListener("input", () => {
    if (!canWrite) return;
    clearTimeout(storyTimer);
    storyTimer = setTimeout(saveStory, 1200);  // every change is saved, a moment after typing stops
  });
  $("dl-svg").addEventListener("click", downloadSvg);
  $("dl-png").addEventListener("click", downloadPng);
  document.addEventListener("zhagen:changed", load);
  load();
})();
