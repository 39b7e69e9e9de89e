/* Document view: read the cleaned text, select a span or click a sentence, apply a code.
 *
 * Offsets are Unicode code points (as the project stores them), not UTF-16 units: the text
 * is split into an array of code points once, every rendered piece carries the code point
 * where it starts (data-s), and a selection is converted back by counting code points.
 *
 * Large documents: the text is cut at sentence ends into chunks of about CHUNK code
 * points; a chunk's content exists only while it is near the viewport (an
 * IntersectionObserver fills and empties it; an empty chunk keeps its height).
 *
 * Coding stripes: a margin beside the text holds one column per code (of the codings
 * shown: filtered by code, level or coder); each coding is a bar from its first line to its
 * last, labelled with the code's name; a click on a bar highlights its span. Bars are drawn
 * per rendered chunk, measured from the chunk's own segments, so a long document costs
 * only what is on screen.
 *
 * Suggestions (issue 15): the open suggestions on this document are ghost stripes in columns
 * of their own at the right of the margin (dashed, translucent, one column per rank) with
 * the code's name, or the proposed new code's, and the score; the text they are about is
 * underlined with a dashed line and a small label at its end. J/K move between them,
 * Enter accepts the focused one (a coding by me, through project.suggestions: one undo
 * step), Delete rejects it; a suggestion is never a coding until accepted.
 *
 * Text is only ever written with textContent / text nodes.
 */
"use strict";

(function () {
  const { t, el, clear, api } = Z;
  const CHUNK = 1500;
  const STRIPE_MAX = 320;  // px of margin at most; columns narrow when there are many codes
  const DOC = Z.data.doc_id;
  const canWrite = Z.data.session.role !== "viewer";
  const $ = (id) => document.getElementById(id);
  const reader = $("reader");
  const S = {
    info: null, cps: [], sents: [], garbled: [], codings: [], codes: [], byId: new Map(),
    chunks: [], cur: null, recent: [], suggestions: [], pick: 0, recodeId: null,
    filter: { code: "", level: "", coder: "" }, shown: [], cols: new Map(), colW: 16,
    ghosts: [], ghostOn: true, gi: -1, ghostBusy: false,
  };
  const GHOST_W = 18;  // px of margin per ghost lane
  const GHOST_LANES = 3;  // lanes at most: suggestions on the same lines go side by side
  const GHOST_RANKS = 3;
  const recentKey = "zhagen.recent." + location.host;

  // -- loading ---------------------------------------------------------------------------
  async function loadAll() {
    const [info, text, sents] = await Promise.all([
      api("GET", "/api/documents/" + DOC),
      api("GET", "/api/documents/" + DOC + "/text"),
      api("GET", "/api/documents/" + DOC + "/sentences"),
    ]);
    S.info = info;
    S.cps = Array.from(text.text);
    S.sents = sents.spans;
    S.garbled = sents.garbled || [];  // per sentence: holds mojibake (marked, not in tables)
    showInfo(info);
    await Promise.all([loadCodes(), loadCodings(false), loadGhosts(false)]);
    applyFilter();  // the columns follow the tree's order: both must be in
    buildChunks();
    renderCodingList();
    loadMemos();
    jumpFromHash();
  }

  async function loadCodes() {
    S.codes = await api("GET", "/api/codes");
    S.byId = new Map(S.codes.map((c) => [c.id, c]));
    try { S.recent = JSON.parse(localStorage.getItem(recentKey) || "[]").filter((id) => S.byId.has(id)); }
    catch (e) { S.recent = []; }
  }

  async function loadCodings(rerender) {
    const res = await api("GET", "/api/documents/" + DOC + "/codings");
    S.codings = res.codings.sort((a, b) => a.start - b.start || a.end - b.end);
    applyFilter();
    if (rerender) { rerenderAll(); renderCodingList(); }
  }

  async function loadGhosts(rerender) {
    const res = await api("GET", "/api/documents/" + DOC + "/suggestions", undefined, { quiet: true }).catch(() => ({ suggestions: [] }));
    const focused = S.ghosts[S.gi];
    S.ghosts = res.suggestions.filter((g) => g.rank <= GHOST_RANKS);
    // keep the focus on the same suggestion, or on the one now at its place
    if (S.gi >= 0) {
      const same = focused ? S.ghosts.findIndex((g) => g.id === focused.id) : -1;
      S.gi = same >= 0 ? same : Math.min(S.gi, S.ghosts.length - 1);
    }
    fillGhostBar();
    if (rerender) { applyFilter(); sizePlaceholders(); rerenderAll(); }
  }

  function showInfo(d) {
    $("doc-title").textContent = d.title || "#" + d.id;
    const bits = [d.year, d.venue, (d.authors || []).slice(0, 3).join("；"), t("doc.chars", { n: d.length })];
    if (d.frozen) bits.push(t("doc.frozen"));
    $("doc-meta").textContent = bits.filter((x) => x).join(" · ");
    $("toggle-original").hidden = !d.has_original && !S.garbled.some(Boolean);
    const dl = clear($("doc-info"));
    const rows = [["docs.col.title", d.title], ["docs.col.authors", (d.authors || []).join("；")],
      ["docs.col.year", d.year], ["docs.col.venue", d.venue], ["docs.type", d.type],
      ["doc.keywords", (d.keywords && typeof d.keywords === "object" ? Object.values(d.keywords).flat().join("；") : "")],
      ["doc.doi", d.doi], ["doc.abstract", d.abstract]];
    for (const [k, v] of rows) {
      if (v === null || v === undefined || v === "") continue;
      dl.append(el("dt", { text: t(k) }), el("dd", { text: v }));
    }
  }

  // -- chunks ----------------------------------------------------------------------------
  function buildChunks() {
    clear(reader);
    S.chunks = [];
    const n = S.cps.length;
    let start = 0;
    let si = 0;
    while (start < n) {
      let end = Math.min(n, start + CHUNK);
      while (si < S.sents.length && S.sents[si][1] <= end) si++;
      if (si > 0 && S.sents[si - 1][1] > start && S.sents[si - 1][1] < end) end = S.sents[si - 1][1];
      else if (si < S.sents.length && S.sents[si][0] < end && S.sents[si][1] - start < CHUNK * 3) end = S.sents[si][1];
      if (end <= start) end = Math.min(n, start + CHUNK);
      const node = el("div", { class: "chunk", data: { i: S.chunks.length } });
      S.chunks.push({ start, end, node, rendered: false, height: 0 });
      reader.appendChild(node);
      start = end;
    }
    sizePlaceholders();
    observe();
  }

  function estimate(chunk) {
    const width = Math.max(200, reader.clientWidth - 56 - stripeWidth());
    const perLine = Math.max(10, Math.floor(width / 17));
    let lines = 0;
    for (const piece of S.cps.slice(chunk.start, chunk.end).join("").split("\n")) lines += Math.max(1, Math.ceil(Array.from(piece).length / perLine));
    return lines * 17 * 2.1;
  }

  function sizePlaceholders() {
    for (const c of S.chunks) if (!c.rendered) c.node.style.height = (c.height || estimate(c)) + "px";
  }

  let observer = null;
  function observe() {
    if (observer) observer.disconnect();
    observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const c = S.chunks[+e.target.dataset.i];
        if (e.isIntersecting && !c.rendered) renderChunk(c);
        else if (!e.isIntersecting && c.rendered) unrenderChunk(c);
      }
    }, { root: reader, rootMargin: "1500px 0px" });
    for (const c of S.chunks) observer.observe(c.node);
  }

  function unrenderChunk(c) {
    c.height = c.node.offsetHeight;
    clear(c.node);
    c.node.style.height = c.height + "px";
    c.rendered = false;
  }

  function sentenceAt(cp) {
    let lo = 0;
    let hi = S.sents.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (S.sents[mid][1] <= cp) lo = mid + 1;
      else if (S.sents[mid][0] > cp) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  function cuts(c, covering) {
    const set = new Set([c.start, c.end]);
    for (const g of shownGhosts()) {
      if (g.start > c.start && g.start < c.end) set.add(g.start);
      if (g.end > c.start && g.end < c.end) set.add(g.end);
    }
    for (const s of S.sents) if (s[0] > c.start && s[0] < c.end) set.add(s[0]);
    for (const s of S.sents) if (s[1] > c.start && s[1] < c.end) set.add(s[1]);
    // the current target too: a span selected with the mouse stays marked (.cur) when the
    // text is drawn again under it (a live update while its pop-up is open)
    for (const k of S.cur ? [...covering, S.cur] : covering) {
      if (k.start > c.start && k.start < c.end) set.add(k.start);
      if (k.end > c.start && k.end < c.end) set.add(k.end);
    }
    return Array.from(set).sort((a, b) => a - b);
  }

  function renderChunk(c) {
    const covering = S.shown.filter((k) => k.start < c.end && k.end > c.start);
    const points = cuts(c, covering);
    const frag = document.createDocumentFragment();
    for (let i = 0; i + 1 < points.length; i++) frag.appendChild(segment(points[i], points[i + 1], covering));
    clear(c.node);
    c.node.style.height = "";
    c.node.appendChild(frag);
    c.rendered = true;
    drawStripes(c, covering);
    if (S.cur) markCurrent();
  }

  function segment(a, b, covering) {
    const si = sentenceAt(a);
    const span = el("span", { class: "seg" + (si % 2 ? " s-odd" : ""), data: { s: a, e: b, i: si } });
    span.textContent = S.cps.slice(a, b).join("");
    const here = covering.filter((k) => k.start <= a && k.end >= b);
    if (here.length) stripes(span, here);
    ghostMarks(span, a, b);
    if (si >= 0 && S.garbled[si]) {
      span.classList.add("garbled");
      span.title = span.title ? t("doc.garbled") + "\n" + span.title : t("doc.garbled");
    }
    return span;
  }

  // coded text: a light tint and a thin line in the colour of its first code; the margin
  // stripes say which codes (one column each)
  function stripes(span, here) {
    const color = colorOf(here[0].code);
    span.classList.add("coded");
    span.style.backgroundColor = color + "1f";
    span.style.boxShadow = "inset 0 -2px 0 " + color + "99";
    span.title = here.map((k) => nameOf(k) + " · " + k.coder).join("\n");
  }

  // -- coding stripes in the margin ----------------------------------------------------------
  function levelKey(c) { return c && c.level !== null && c.level !== undefined ? String(c.level) : "none"; }

  function applyFilter() {
    const f = S.filter;
    S.shown = S.codings.filter((k) => {
      if (f.code && String(k.code) !== f.code) return false;
      if (f.coder && k.coder !== f.coder) return false;
      if (f.level && levelKey(S.byId.get(k.code)) !== f.level) return false;
      return true;
    });
    // one column per code shown, in the code tree's order
    const order = new Map(S.codes.map((c, i) => [c.id, i]));
    const ids = Array.from(new Set(S.shown.map((k) => k.code)));
    ids.sort((a, b) => (order.has(a) ? order.get(a) : 1e9) - (order.has(b) ? order.get(b) : 1e9));
    S.cols = new Map(ids.map((id, i) => [id, i]));
    S.colW = ids.length ? Math.max(7, Math.min(18, Math.floor(STRIPE_MAX / ids.length))) : 0;
    reader.style.setProperty("--stripes", stripeWidth() + "px");
    fillFilter();
    fillLegend(ids);
  }

  // the columns' names in their order (a narrow column has no room for its label)
  const LEGEND_MAX = 12;
  function fillLegend(ids) {
    const box = clear($("stripe-legend"));
    for (const id of ids.slice(0, LEGEND_MAX)) {
      const c = S.byId.get(id);
      const sw = el("span", { class: "swatch" });
      sw.style.backgroundColor = colorOf(id);
      box.appendChild(el("button", { type: "button", class: "chip-code", title: t("doc.f_only"), on: { click: () => { $("f-code").value = $("f-code").value === String(id) ? "" : String(id); onFilter(); } } }, sw, c ? c.name : String(id)));
    }
    if (ids.length > LEGEND_MAX) box.appendChild(el("span", { class: "muted small", text: "+" + (ids.length - LEGEND_MAX) }));
  }

  function codeWidth() { return S.cols.size ? S.cols.size * S.colW + 10 : 0; }
  function stripeWidth() { return codeWidth() + ghostColumns() * GHOST_W + (ghostColumns() ? 6 : 0); }

  function drawStripes(c, covering) {
    const old = c.node.querySelector(".stripes");
    if (old) old.remove();
    const ghosts = shownGhosts().filter((g) => g.start < c.end && g.end > c.start);
    if (!covering.length && !ghosts.length) return;
    const segs = Array.from(c.node.children).filter((n) => n.classList.contains("seg"));
    const top0 = c.node.getBoundingClientRect().top;
    const bars = [];
    for (const k of covering) {
      const col = S.cols.get(k.code);
      if (col === undefined) continue;
      const a = Math.max(k.start, c.start);
      const b = Math.min(k.end, c.end);
      const mine = segs.filter((n) => +n.dataset.s >= a && +n.dataset.e <= b);
      if (!mine.length) continue;
      const first = mine[0].getClientRects()[0];
      const lastRects = mine[mine.length - 1].getClientRects();
      const last = lastRects[lastRects.length - 1];
      if (!first || !last) continue;
      bars.push({ k, col, top: first.top - top0, bottom: last.bottom - top0, head: k.start >= c.start });
    }
    const layer = el("div", { class: "stripes", attrs: { "aria-hidden": "true" } });
    for (const bar of bars) layer.appendChild(stripeBar(bar));
    // ghost bars in lanes: each in the first lane free at its top (several short
    // sentences share a line); when every lane is taken, the least recently freed one
    const lanes = new Array(ghostColumns()).fill(-Infinity);
    const placed = ghosts.map((g) => ({ g, bar: measure(segs, top0, g, c) })).filter((x) => x.bar);
    placed.sort((x, y) => x.bar.top - y.bar.top || x.g.rank - y.g.rank);
    for (const { g, bar } of placed) {
      let lane = lanes.findIndex((bottom) => bottom <= bar.top + 1);
      if (lane < 0) lane = lanes.indexOf(Math.min(...lanes));
      lanes[lane] = bar.bottom;
      bar.lane = lane;
      layer.appendChild(ghostBar(g, bar));
    }
    c.node.appendChild(layer);
  }

  /** The top and bottom (px in the chunk) of the lines holding [k.start, k.end) here. */
  function measure(segs, top0, k, c) {
    const a = Math.max(k.start, c.start);
    const b = Math.min(k.end, c.end);
    const mine = segs.filter((n) => +n.dataset.s >= a && +n.dataset.e <= b);
    if (!mine.length) return null;
    const first = mine[0].getClientRects()[0];
    const lastRects = mine[mine.length - 1].getClientRects();
    const last = lastRects[lastRects.length - 1];
    if (!first || !last) return null;
    return { top: first.top - top0, bottom: last.bottom - top0, head: k.start >= c.start };
  }

  function stripeBar(bar) {
    const k = bar.k;
    const name = nameOf(k);
    const node = el("div", { class: "stripe", title: name + " · " + k.coder + " [" + k.start + ", " + k.end + ")", data: { id: k.id, code: k.code } });
    node.style.top = bar.top + 1 + "px";
    node.style.height = Math.max(8, bar.bottom - bar.top - 2) + "px";
    node.style.left = 6 + bar.col * S.colW + "px";
    node.style.width = Math.max(4, S.colW - 3) + "px";
    node.style.backgroundColor = colorOf(k.code);
    if (S.lit === k.id) node.classList.add("lit");
    if (bar.head && S.colW >= 12 && bar.bottom - bar.top > 26) node.appendChild(el("span", { class: "stripe-label", text: name }));
    node.addEventListener("click", (e) => { e.stopPropagation(); lightStripe(k); });
    return node;
  }

  function lightStripe(k) {
    S.lit = k.id;
    for (const n of reader.querySelectorAll(".stripe")) n.classList.toggle("lit", n.dataset.id === String(k.id));
    jumpTo(k.start, k.end, true, true);
  }

  // -- suggestions: ghost stripes, marks and keys ----------------------------------------
  function shownGhosts() { return S.ghostOn ? S.ghosts : []; }
  function ghostColumns() { return Math.min(GHOST_LANES, shownGhosts().length); }
  function ghostName(g) { return g.new_code ? t("doc.ghost_new", { x: g.new_code }) : (g.code_name || nameOf(g)); }
  function ghostText(g) { return ghostName(g) + " " + g.score.toFixed(2); }
  function ghostColor(g) { return g.code !== null && S.byId.has(g.code) ? colorOf(g.code) : "#8a8a8a"; }

  function ghostBar(g, bar) {
    const i = S.ghosts.indexOf(g);
    const node = el("div", { class: "stripe ghost" + (i === S.gi ? " ghost-on" : ""),
      title: t("doc.ghost_title", { x: ghostText(g), r: g.rank, s: g.source }) + (g.rationale ? "\n" + g.rationale : ""),
      data: { ghost: g.id } });
    const color = ghostColor(g);
    node.style.top = bar.top + 1 + "px";
    node.style.height = Math.max(10, bar.bottom - bar.top - 2) + "px";
    node.style.left = codeWidth() + 4 + bar.lane * GHOST_W + "px";
    node.style.width = GHOST_W - 4 + "px";
    node.style.borderColor = color;
    node.style.backgroundColor = color + "2e";
    if (bar.head && bar.bottom - bar.top > 40) node.appendChild(el("span", { class: "stripe-label", text: ghostName(g) }));
    node.addEventListener("click", (e) => { e.stopPropagation(); focusGhost(i); });
    return node;
  }

  // the text a suggestion is about: a dashed underline, and at its end a small label with
  // the code and score (a CSS ::after from data-ghost: not text, so offsets and selections
  // are those of the document)
  function ghostMarks(span, a, b) {
    const here = shownGhosts().filter((g) => g.start <= a && g.end >= b);
    if (!here.length) return;
    span.classList.add("ghosted");
    if (here.some((g) => S.ghosts.indexOf(g) === S.gi)) span.classList.add("ghost-cur");
    const ending = here.filter((g) => g.end === b && (g.rank === 1 || S.ghosts.indexOf(g) === S.gi));
    if (ending.length) span.dataset.ghost = ending.map(ghostText).join(" · ");
  }

  function fillGhostBar() {
    const bar = $("ghost-bar");
    bar.hidden = !S.ghosts.length;
    $("ghost-count").textContent = t("doc.ghost_count", { n: S.ghosts.length });
    const g = S.ghosts[S.gi];
    $("ghost-focus").textContent = g ? t("doc.ghost_focus", { i: S.gi + 1, n: S.ghosts.length, x: ghostText(g) }) : "";
  }

  function focusGhost(i) {
    if (!S.ghosts.length) return;
    S.gi = Math.max(0, Math.min(S.ghosts.length - 1, i));
    const g = S.ghosts[S.gi];
    jumpTo(g.start, g.end, true);
    S.gi = S.ghosts.indexOf(g);  // jumpTo clears a ghost focus: set it again
    fillGhostBar();
    rerenderGhosts();
  }

  function rerenderGhosts() {
    for (const c of S.chunks) if (c.rendered && shownGhosts().some((g) => g.start < c.end && g.end > c.start)) renderChunk(c);
  }

  async function decideGhost(action) {
    const g = S.ghosts[S.gi];
    if (!g || S.ghostBusy) return;
    if (!canWrite) { Z.toast(t("doc.ghost_viewer")); return; }
    S.ghostBusy = true;
    try {
      await api("POST", "/api/suggestions/" + g.id + "/" + action, {});
      Z.toast(t(action === "accept" ? "doc.ghost_accepted" : "doc.ghost_rejected", { x: ghostName(g) }), "ok");
      if (action === "accept" && g.new_code) await loadCodes();
      await Promise.all([loadCodings(false), loadGhosts(false)]);
      applyFilter();
      sizePlaceholders();
      rerenderAll();
      renderCodingList();
      if (S.ghosts.length) focusGhost(S.gi); else { S.gi = -1; fillGhostBar(); }
    } finally {
      S.ghostBusy = false;
    }
  }

  function toggleGhosts() {
    S.ghostOn = $("ghost-show").checked;
    if (!S.ghostOn) S.gi = -1;
    fillGhostBar();
    applyFilter();
    sizePlaceholders();
    rerenderAll();
  }

  function fillFilter() {
    const used = new Set(S.codings.map((k) => k.code));
    const opts = (sel, items) => {
      const keep = sel.value;
      while (sel.options.length > 1) sel.remove(1);
      for (const [v, label] of items) sel.appendChild(el("option", { value: v, text: label }));
      sel.value = Array.from(sel.options).some((o) => o.value === keep) ? keep : "";
    };
    if (!originalShown) $("stripe-filter").hidden = !S.codings.length;
    opts($("f-code"), S.codes.filter((c) => used.has(c.id)).map((c) => [String(c.id), c.name]));
    const levels = new Map();
    for (const k of S.codings) { const c = S.byId.get(k.code); levels.set(levelKey(c), c && c.level_name ? c.level_name : t("doc.no_level")); }
    opts($("f-level"), Array.from(levels.entries()).sort());
    opts($("f-coder"), Array.from(new Set(S.codings.map((k) => k.coder))).sort().map((x) => [x, x]));
    $("compare-link").hidden = new Set(S.codings.map((k) => k.coder)).size < 2;
  }

  function onFilter() {
    S.filter = { code: $("f-code").value, level: $("f-level").value, coder: $("f-coder").value };
    applyFilter();
    sizePlaceholders();
    rerenderAll();
  }

  function colorOf(code) { const c = S.byId.get(code); return c ? c.color : "#999999"; }
  function nameOf(k) { const c = S.byId.get(k.code); return c ? c.name : k.code_name; }

  function rerenderAll() { for (const c of S.chunks) if (c.rendered) renderChunk(c); }

  // -- selection and the current target ----------------------------------------------------
  function cpLen(str) { let n = 0; for (const _ of str) n++; return n; }

  function pointToCp(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const seg = node.parentElement.closest(".seg");
      return seg ? +seg.dataset.s + cpLen(node.data.slice(0, offset)) : null;
    }
    const elNode = node;
    if (elNode.classList && elNode.classList.contains("seg")) return offset === 0 ? +elNode.dataset.s : +elNode.dataset.e;
    const kids = elNode.children || [];
    if (offset < kids.length) {
      const k = kids[offset];
      if (k.dataset && k.dataset.s !== undefined) return +k.dataset.s;
      if (k.classList && k.classList.contains("chunk")) return S.chunks[+k.dataset.i].start;
    }
    if (elNode.classList && elNode.classList.contains("chunk")) return S.chunks[+elNode.dataset.i].end;
    return null;
  }

  function selectionTarget() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
    const r = sel.getRangeAt(0);
    if (!reader.contains(r.commonAncestorContainer)) return null;
    let a = pointToCp(r.startContainer, r.startOffset);
    let b = pointToCp(r.endContainer, r.endOffset);
    if (a === null || b === null) return null;
    while (a < b && /\s/.test(S.cps[a])) a++;
    while (b > a && /\s/.test(S.cps[b - 1])) b--;
    if (a >= b) return null;
    return { start: a, end: b, sentence: null, rect: r.getBoundingClientRect() };
  }

  function sentenceTarget(si) {
    if (si < 0 || si >= S.sents.length) return null;
    return { start: S.sents[si][0], end: S.sents[si][1], sentence: si, rect: null };
  }

  function markCurrent() {
    for (const n of reader.querySelectorAll(".seg.cur")) n.classList.remove("cur");
    if (!S.cur) return;
    for (const n of reader.querySelectorAll(".seg")) {
      if (+n.dataset.s >= S.cur.start && +n.dataset.e <= S.cur.end) n.classList.add("cur");
    }
  }

  function setCurrent(target, open) {
    S.cur = target;
    markCurrent();
    highlightList();
    if (target && open) openPop();
    else if (!target) closePop();
  }

  function onReaderUp(e) {
    if (e.button !== 0 || (e.target.closest && e.target.closest(".stripes"))) return;
    if (S.gi >= 0) {  // a click in the text leaves the suggestions (no redraw: the selection stays)
      S.gi = -1;
      fillGhostBar();
      for (const n of reader.querySelectorAll(".ghost-on, .ghost-cur")) n.classList.remove("ghost-on", "ghost-cur");
    }
    const sel = selectionTarget();
    if (sel) { setCurrent(sel, true); return; }
    const seg = e.target.closest && e.target.closest(".seg");
    if (!seg) return;
    const si = +seg.dataset.i;
    if (si >= 0) setCurrent(sentenceTarget(si), true);
  }

  // -- the coding pop-up -----------------------------------------------------------------
  const pop = $("code-pop");
  const input = $("code-input");

  function placePop() {
    let rect = S.cur.rect;
    if (!rect) {
      const seg = reader.querySelector(".seg.cur");
      rect = seg ? seg.getBoundingClientRect() : reader.getBoundingClientRect();
    }
    const w = 360;
    const left = Math.min(window.innerWidth - w - 12, Math.max(12, rect.left));
    let top = rect.bottom + 8;
    if (top + 320 > window.innerHeight) top = Math.max(60, rect.top - 330);
    pop.style.left = left + "px";
    pop.style.top = top + "px";
  }

  function openPop(recodeId) {
    if (!S.cur) return;
    S.recodeId = recodeId || null;
    const n = S.cur.end - S.cur.start;
    $("pop-what").textContent = S.recodeId ? t("doc.recode_prompt")
      : S.cur.sentence !== null ? t("doc.sentence", { n: S.cur.sentence + 1 }) + " · " + t("doc.chars", { n })
        : t("doc.selection", { n });
    input.value = "";
    input.disabled = !canWrite;
    const words = S.cps.slice(S.cur.start, S.cur.end).join("").replace(/\s+/g, " ").trim();
    const vivo = $("pop-vivo");
    vivo.hidden = !canWrite || !!S.recodeId || !words;
    vivo.textContent = t("doc.in_vivo", { x: words.length > 24 ? words.slice(0, 23) + "…" : words });
    pop.hidden = false;
    placePop();
    suggest();
    renderRecent();
    renderHere();
    if (canWrite) input.focus({ preventScroll: true });
  }

  function closePop() {
    pop.hidden = true;
    S.recodeId = null;
    reader.focus({ preventScroll: true });
  }

  function suggest() {
    const q = input.value.trim().toLowerCase();
    const list = clear($("code-suggest"));
    let found = S.codes;
    if (q) found = S.codes.filter((c) => c.name.toLowerCase().includes(q));
    found = found.slice().sort((a, b) => rank(a, q) - rank(b, q) || a.level - b.level).slice(0, 12);
    S.suggestions = found.map((c) => ({ code: c }));
    if (q && !S.codes.some((c) => c.name.toLowerCase() === q)) S.suggestions.push({ name: input.value.trim() });
    S.pick = 0;
    S.suggestions.forEach((s, i) => {
      const li = s.code
        ? el("li", { data: { i } }, el("span", { class: "swatch" }), s.code.name, el("span", { class: "lvl", text: s.code.level_name }))
        : el("li", { data: { i }, class: "new", text: t("doc.new_code", { x: s.name }) });
      if (s.code) li.firstChild.style.backgroundColor = s.code.color;
      li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    showPick();
  }

  function rank(c, q) {
    if (!q) return S.recent.indexOf(c.id) >= 0 ? S.recent.indexOf(c.id) - 100 : 0;
    const name = c.name.toLowerCase();
    return name === q ? -3 : name.startsWith(q) ? -2 : -1;
  }

  function showPick() {
    const items = $("code-suggest").children;
    for (let i = 0; i < items.length; i++) items[i].classList.toggle("on", i === S.pick);
    if (items[S.pick]) items[S.pick].scrollIntoView({ block: "nearest" });
  }

  function onInputKey(e) {
    const n = S.suggestions.length;
    if (e.key === "ArrowDown") { e.preventDefault(); S.pick = (S.pick + 1) % Math.max(1, n); showPick(); }
    else if (e.key === "ArrowUp") { e.preventDefault(); S.pick = (S.pick - 1 + n) % Math.max(1, n); showPick(); }
    else if (e.key === "Enter") { e.preventDefault(); if (n) choose(S.pick); }
    else if (e.key === "Escape") { e.preventDefault(); closePop(); }
    else if (e.altKey && (e.key === "v" || e.key === "V")) { e.preventDefault(); inVivo(); }
    else if (e.altKey && /^[1-9]$/.test(e.key)) { e.preventDefault(); applyRecent(+e.key - 1); }
  }

  function choose(i) {
    const s = S.suggestions[i];
    if (!s) return;
    const choice = s.code ? { code: s.code.id } : { new_code: { name: s.name } };
    if (S.recodeId) recode(S.recodeId, choice);
    else apply(choice);
  }

  function remember(codeId) {
    S.recent = [codeId, ...S.recent.filter((x) => x !== codeId)].slice(0, 9);
    localStorage.setItem(recentKey, JSON.stringify(S.recent));
  }

  async function apply(choice) {
    if (!S.cur || !canWrite) return;
    const body = Object.assign({ document: DOC }, choice);
    if (S.cur.sentence !== null) body.sentences = [S.cur.sentence];
    else { body.start = S.cur.start; body.end = S.cur.end; }
    const res = await api("POST", "/api/codings", body);
    if (res.created_code) await loadCodes();
    remember(res.code);
    const c = S.byId.get(res.code);
    Z.toast(t("doc.coded_as", { x: c ? c.name : "" }), "ok");
    await loadCodings(true);
    closePop();
  }

  // In-vivo coding: the selected words become a new initial concept, coded at once (one
  // undo step: the library does both in one edit)
  async function inVivo() {
    if (!S.cur || !canWrite) return;
    const res = await api("POST", "/api/codings/in_vivo", { document: DOC, start: S.cur.start, end: S.cur.end });
    await loadCodes();
    remember(res.code);
    const c = S.byId.get(res.code);
    Z.toast(t("doc.coded_as", { x: c ? c.name : "" }), "ok");
    await loadCodings(true);
    closePop();
  }

  async function recode(codingId, choice) {
    const res = await api("PATCH", "/api/codings/" + codingId, choice);
    if (res.created_code) await loadCodes();
    remember(res.code);
    await loadCodings(true);
    closePop();
  }

  async function uncode(codingId) {
    await api("DELETE", "/api/codings/" + codingId);
    await loadCodings(true);
    if (!pop.hidden) renderHere();
  }

  function applyRecent(i) {
    if (S.recent[i] !== undefined && S.cur) apply({ code: S.recent[i] });
  }

  function renderRecent() {
    const box = clear($("pop-recent"));
    if (!S.recent.length || !canWrite) return;
    box.appendChild(el("span", { class: "muted small", text: t("doc.recent") + " " }));
    S.recent.forEach((id, i) => {
      const c = S.byId.get(id);
      if (!c) return;
      box.appendChild(el("button", { type: "button", on: { click: () => applyRecent(i) } }, el("kbd", { text: i + 1 }), c.name));
    });
  }

  function renderHere() {
    const box = clear($("pop-here"));
    if (!S.cur) return;
    const here = S.codings.filter((k) => k.start < S.cur.end && k.end > S.cur.start);
    if (!here.length) return;
    box.appendChild(el("div", { class: "muted small", text: t("doc.here") }));
    for (const k of here) box.appendChild(hereRow(k));
  }

  function hereRow(k) {
    const sw = el("span", { class: "swatch" });
    sw.style.backgroundColor = colorOf(k.code);
    const row = el("div", { class: "row" }, sw, el("span", { text: nameOf(k) }), el("span", { class: "who", text: k.coder }));
    if (canWrite) {
      row.appendChild(el("button", { type: "button", class: "ghost", text: t("doc.recode"), on: { click: () => openPop(k.id) } }));
      row.appendChild(el("button", { type: "button", class: "danger", text: t("doc.remove"), on: { click: () => uncode(k.id) } }));
    }
    return row;
  }

  // -- side panel ------------------------------------------------------------------------
  function renderCodingList() {
    const list = clear($("coding-list"));
    if (!S.codings.length) { list.appendChild(el("li", { class: "muted", text: t("doc.no_codings") })); return; }
    for (const k of S.codings) {
      const text = S.cps.slice(k.start, Math.min(k.end, k.start + 160)).join("");
      const li = el("li", { data: { id: k.id } },
        el("div", { class: "code-name", text: nameOf(k) }),
        el("div", { class: "excerpt", text }),
        codingMeta(k));
      li.style.borderLeftColor = colorOf(k.code);
      li.addEventListener("click", (e) => { if (e.target.tagName !== "BUTTON") jumpTo(k.start, k.end, true); });
      list.appendChild(li);
    }
    highlightList();
  }

  function codingMeta(k) {
    const meta = el("div", { class: "meta" }, el("span", { text: k.coder }), el("span", { text: "[" + k.start + ", " + k.end + ")" }));
    if (canWrite) {
      meta.appendChild(el("button", { type: "button", class: "ghost", text: t("doc.recode"), on: { click: () => { jumpTo(k.start, k.end, false); openPop(k.id); } } }));
      meta.appendChild(el("button", { type: "button", class: "danger", text: t("doc.remove"), on: { click: () => uncode(k.id) } }));
    }
    return meta;
  }

  function highlightList() {
    for (const li of $("coding-list").children) {
      const k = S.codings.find((x) => String(x.id) === li.dataset.id);
      li.classList.toggle("hl", !!(k && S.cur && k.start < S.cur.end && k.end > S.cur.start));
    }
  }

  function chunkAt(cp) {
    let lo = 0;
    let hi = S.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (S.chunks[mid].start <= cp) lo = mid; else hi = mid - 1;
    }
    return S.chunks[lo];
  }

  function jumpTo(start, end, flash, keepLit) {
    if (S.gi >= 0) { S.gi = -1; fillGhostBar(); rerenderGhosts(); }
    if (!keepLit && S.lit) { S.lit = null; for (const n of reader.querySelectorAll(".stripe.lit")) n.classList.remove("lit"); }
    const c = chunkAt(start);
    if (!c) return;
    if (!c.rendered) renderChunk(c);
    const seg = Array.from(c.node.children).find((n) => +n.dataset.s <= start && +n.dataset.e > start);
    if (seg) {
      seg.scrollIntoView({ block: "center" });
      if (flash) { seg.classList.remove("flash"); void seg.offsetWidth; seg.classList.add("flash"); }
    }
    const si = sentenceAt(start);
    const target = si >= 0 && S.sents[si][0] === start && S.sents[si][1] === end ? sentenceTarget(si) : { start, end, sentence: null, rect: null };
    setCurrent(target, false);
  }

  function jumpFromHash() {
    const m = /at=(\d+)-(\d+)/.exec(location.hash);
    if (m) jumpTo(+m[1], +m[2], true);
  }

  // -- memos -----------------------------------------------------------------------------
  async function loadMemos() {
    const memos = await api("GET", "/api/memos" + Z.query({ target_type: "document", target_id: DOC }));
    const list = clear($("memo-list"));
    for (const m of memos) list.appendChild(memoItem(m));
  }

  function memoItem(m) {
    const text = el("div", { class: "memo-text", text: m.text });
    const li = el("li", null, m.title ? el("strong", { text: m.title }) : null, text,
      el("div", { class: "meta" }, el("span", { text: (m.coder || "") + " " + (m.modified || m.created || "").slice(0, 16).replace("T", " ") })));
    if (canWrite) {
      const meta = li.lastChild;
      meta.appendChild(el("button", { type: "button", class: "link", text: t("common.edit"), on: { click: () => editMemo(li, m) } }));
      meta.appendChild(el("button", { type: "button", class: "link", text: t("common.delete"), on: { click: async () => { await api("DELETE", "/api/memos/" + m.id); loadMemos(); } } }));
    }
    return li;
  }

  function editMemo(li, m) {
    const area = el("textarea", { value: m.text, attrs: { rows: "5" } });
    const save = el("button", { type: "button", text: t("common.save"), on: { click: async () => {
      await api("PATCH", "/api/memos/" + m.id, { text: area.value });
      loadMemos();
    } } });
    clear(li).append(area, save);
    area.focus();
  }

  async function addMemo(e) {
    e.preventDefault();
    const text = $("memo-text").value.trim();
    if (!text) return;
    await api("POST", "/api/memos", { target_type: "document", target_id: DOC, text, title: $("memo-title").value.trim() });
    $("memo-text").value = "";
    $("memo-title").value = "";
    loadMemos();
  }

  // -- the original beside the cleaned text ------------------------------------------------
  // The library aligns the two (GET /cleaning: each change's span on both sides, the
  // garbled runs); here each side is cut at those spans and marked. A change is drawn with
  // the same data-i on both sides, so a click on one shows the other.
  let originalShown = false;
  const O = { diff: null, at: -1 };
  async function toggleOriginal() {
    originalShown = !originalShown;
    if (originalShown && !O.diff) {
      O.diff = await api("GET", "/api/documents/" + DOC + "/cleaning");
      drawSide($("orig-a"), O.diff.original, O.diff.changes.map((c, i) => ({ s: c.original[0], e: c.original[1], i, kind: c.kind, other: c.after })), O.diff.garbled_original);
      drawSide($("orig-b"), O.diff.cleaned, O.diff.changes.map((c, i) => ({ s: c.cleaned[0], e: c.cleaned[1], i, kind: c.kind, other: c.before })), O.diff.garbled);
      $("orig-summary").textContent = t("orig.summary", { n: O.diff.changes.length, g: O.diff.garbled.length, w: O.diff.whitespace });
      $("orig-next").disabled = !O.diff.changes.length;
    }
    $("original").hidden = !originalShown;
    reader.hidden = originalShown;
    $("original-note").hidden = !originalShown;
    $("stripe-filter").hidden = originalShown || !S.codings.length;
    $("toggle-original").textContent = t(originalShown ? "doc.cleaned" : "doc.original");
  }

  const KIND = { delete: "del", insert: "ins", replace: "rep" };
  function drawSide(box, text, changes, garbled) {
    const cps = Array.from(text);
    const pts = new Set([0, cps.length]);
    const at = new Map();  // an empty span (text only on the other side): a marker there
    for (const c of changes) {
      if (c.s === c.e) { if (!at.has(c.s)) at.set(c.s, []); at.get(c.s).push(c); }
      pts.add(c.s); pts.add(c.e);
    }
    for (const [s, e] of garbled) { pts.add(s); pts.add(e); }
    const cuts = Array.from(pts).sort((a, b) => a - b);
    const spans = changes.filter((c) => c.e > c.s);
    const frag = document.createDocumentFragment();
    let k = 0;
    for (let i = 0; i < cuts.length; i++) {
      const a = cuts[i];
      for (const c of at.get(a) || []) frag.appendChild(changeNode(c, el("span", { class: "chg " + (c.kind === "insert" ? "ins-at" : "del-at") })));
      if (i + 1 >= cuts.length) break;
      const b = cuts[i + 1];
      while (k < spans.length && spans[k].e <= a) k++;
      const c = k < spans.length && spans[k].s <= a && spans[k].e >= b ? spans[k] : null;
      const node = el("span", { text: cps.slice(a, b).join("") });
      if (garbled.some(([s, e]) => s <= a && e >= b)) node.classList.add("garb");
      frag.appendChild(c ? changeNode(c, node, KIND[c.kind]) : node);
    }
    clear(box).appendChild(frag);
  }

  function changeNode(c, node, cls) {
    node.classList.add("chg");
    if (cls) node.classList.add(cls);
    node.dataset.i = c.i;
    node.title = c.kind === "delete" ? t("orig.deleted") : c.kind === "insert" ? t("orig.inserted") : t("orig.was", { x: c.other });
    if (c.kind === "replace" && node.title.length > 200) node.title = node.title.slice(0, 200) + "…";
    node.addEventListener("click", () => showChange(c.i));
    return node;
  }

  function showChange(i) {
    O.at = i;
    for (const n of document.querySelectorAll(".orig-text .chg.on")) n.classList.remove("on");
    for (const box of [$("orig-a"), $("orig-b")]) {
      const node = box.querySelector('.chg[data-i="' + i + '"]');
      if (!node) continue;
      node.classList.add("on");
      node.scrollIntoView({ block: "center" });
    }
  }

  // -- keys and wiring -------------------------------------------------------------------
  function move(step) {
    const from = S.cur ? sentenceAt(step > 0 ? S.cur.end - 1 : S.cur.start) : -1;
    const si = Math.max(0, Math.min(S.sents.length - 1, from + step));
    const target = sentenceTarget(si);
    if (!target) return;
    jumpTo(target.start, target.end, false);
  }

  function onKey(e) {
    if (Z.typing(e) || e.ctrlKey || e.metaKey) return;
    const k = e.key;
    const ghosts = shownGhosts().length > 0;
    if (k === "Escape") { closePop(); setCurrent(null); }
    // with suggestions shown, J/K go from one to the next; Enter and Delete decide
    else if ((k === "j" || k === "J") && ghosts) { e.preventDefault(); focusGhost(S.gi + 1); }
    else if ((k === "k" || k === "K") && ghosts) { e.preventDefault(); focusGhost(S.gi < 0 ? 0 : S.gi - 1); }
    else if (k === "Enter" && S.gi >= 0 && pop.hidden) { e.preventDefault(); decideGhost("accept"); }
    else if ((k === "Delete" || k === "Backspace") && S.gi >= 0 && pop.hidden) { e.preventDefault(); decideGhost("reject"); }
    else if (k === "j" || k === "J") { e.preventDefault(); move(1); }
    else if (k === "k" || k === "K") { e.preventDefault(); move(-1); }
    else if ((k === "c" || k === "C" || k === "Enter") && S.cur) { e.preventDefault(); openPop(); }
    else if (/^[1-9]$/.test(k) && S.cur) { e.preventDefault(); applyRecent(+k - 1); }
    else if ((k === "v" || k === "V") && S.cur && canWrite) { e.preventDefault(); inVivo(); }
    else if (k === "o" || k === "O") { if (!$("toggle-original").hidden) toggleOriginal(); }
    else if (k === "m" || k === "M") { e.preventDefault(); showTab("memos"); $("memo-text").focus(); }
    else if (k === "?") $("help").hidden = !$("help").hidden;
  }

  function showTab(name) {
    for (const b of document.querySelectorAll(".side .tab")) b.classList.toggle("on", b.dataset.tab === name);
    for (const b of document.querySelectorAll(".side .tab-body")) b.hidden = b.dataset.body !== name;
  }

  function wire() {
    reader.addEventListener("mouseup", onReaderUp);
    input.addEventListener("input", suggest);
    input.addEventListener("keydown", onInputKey);
    $("pop-close").addEventListener("click", closePop);
    $("pop-vivo").addEventListener("click", inVivo);
    for (const id of ["f-code", "f-level", "f-coder"]) $(id).addEventListener("change", onFilter);
    $("compare-link").href = "/documents/" + DOC + "/compare";
    $("ghost-show").addEventListener("change", toggleGhosts);
    $("ghost-accept").addEventListener("click", () => decideGhost("accept"));
    $("ghost-reject").addEventListener("click", () => decideGhost("reject"));
    $("ghost-next").addEventListener("click", () => focusGhost(S.gi + 1));
    $("ghost-accept").hidden = $("ghost-reject").hidden = !canWrite;
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", (e) => {
      if (!pop.hidden && !pop.contains(e.target) && !reader.contains(e.target)) closePop();
    });
    for (const b of document.querySelectorAll(".side .tab")) b.addEventListener("click", () => showTab(b.dataset.tab));
    $("memo-form").addEventListener("submit", addMemo);
    $("memo-form").hidden = !canWrite;
    $("toggle-original").addEventListener("click", toggleOriginal);
    $("orig-next").addEventListener("click", () => { if (O.diff && O.diff.changes.length) showChange((O.at + 1) % O.diff.changes.length); });
    $("help-btn").addEventListener("click", () => { $("help").hidden = !$("help").hidden; });
    reader.addEventListener("scroll", () => { if (!pop.hidden && S.cur && !S.cur.rect) placePop(); }, { passive: true });
    let resizing = null;
    window.addEventListener("resize", () => {
      sizePlaceholders();
      clearTimeout(resizing);  // the text reflows: the stripes are measured again
      resizing = setTimeout(() => { for (const c of S.chunks) if (c.rendered) drawStripes(c, S.shown.filter((k) => k.start < c.end && k.end > c.start)); }, 150);
    });
    document.addEventListener("zhagen:changed", async () => { await loadCodes(); await loadGhosts(false); await loadCodings(true); loadMemos(); });
    document.addEventListener("visibilitychange", () => { if (!document.hidden) loadGhosts(false).then(() => loadCodings(true)); });
    reader.addEventListener("mousedown", (e) => { if (e.button === 0) S.pressing = true; });
    document.addEventListener("mouseup", () => { S.pressing = false; });
    Z.live(onRemote);
    setInterval(() => { if (S.remote && !selecting()) applyRemote(); }, 300);
  }

  // -- live updates from other browsers ----------------------------------------------------
  // A change to this document or to the code tree reloads codes, codings and memos; while
  // the user is selecting text (button down, or a selection in the reader not yet coded)
  // the reload waits, so the selection in progress is not lost. S.cur (the span the pop-up
  // codes) is kept by offsets and marked again after the reload.
  function selecting() {
    const sel = window.getSelection();
    const inReader = sel && !sel.isCollapsed && sel.rangeCount && reader.contains(sel.getRangeAt(0).commonAncestorContainer);
    return S.pressing || Boolean(inReader);
  }

  function onRemote(res) {
    const mine = (c) => c.documents === null || c.documents.includes(DOC);
    if (res.reset || res.changes.some((c) => c.kind === "tree" || c.kind === "other" || mine(c))) {
      S.remote = true;
      if (!selecting()) applyRemote();
    }
  }

  async function applyRemote() {
    S.remote = false;
    await loadCodes();
    await loadGhosts(false);
    await loadCodings(true);
    loadMemos();
  }

  wire();
  loadAll();
})();
