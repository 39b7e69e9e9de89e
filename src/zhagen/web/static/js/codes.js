/* Code tree: create, rename, recolour, drag to re-parent, merge, delete (with
 * confirmation), levels, counts; click a code to read its codings in context. Search the
 * tree as you type; tick several codes to move or merge them at once (one undo step
 * each); promote a concept to a category holding itself. */
"use strict";

(function () {
  const { t, el, clear, api } = Z;
  const canWrite = Z.data.session.role !== "viewer";
  const $ = (id) => document.getElementById(id);
  const S = { codes: [], byId: new Map(), levels: [], selected: null, checked: new Set(), dragging: null, q: "" };

  function levelName(level) {
    if (level === null || level === undefined) return Z.data.lang === "en" ? "no level" : "无层级";
    const l = S.levels.find((x) => x.level === level);
    return l ? (Z.data.lang === "en" ? l.en : l.zh) : String(level);
  }

  async function load() {
    if (!S.levels.length) {
      const vocab = await api("GET", "/api/vocab");
      S.levels = vocab.levels;
      // the palette's colours offered first in the colour picker (a datalist of swatches)
      const swatches = clear($("code-palette"));
      for (const c of vocab.palette) swatches.appendChild(el("option", { value: c }));
      const sel = $("new-level");
      for (const l of S.levels) sel.appendChild(el("option", { value: String(l.level), text: levelName(l.level) }));
      sel.appendChild(el("option", { value: "none", text: levelName(null) }));
    }
    S.codes = await api("GET", "/api/codes");
    S.byId = new Map(S.codes.map((c) => [c.id, c]));
    for (const id of Array.from(S.checked)) if (!S.byId.has(id)) S.checked.delete(id);
    renderTree();
    const linked = /^#code=(\d+)$/.exec(location.hash);  // a link from a memo: that code
    if (linked && S.selected === null && S.byId.has(+linked[1])) S.selected = +linked[1];
    if (S.selected && S.byId.has(S.selected)) showDetail(S.selected);
    else { S.selected = null; clear($("detail")).appendChild(el("p", { class: "muted", text: t("codes.select") })); }
  }

  // -- the tree --------------------------------------------------------------------------
  function renderTree() {
    const root = clear($("tree"));
    const kids = new Map();
    for (const c of S.codes) {
      const p = c.parent === null ? 0 : c.parent;
      if (!kids.has(p)) kids.set(p, []);
      kids.get(p).push(c);
    }
    const build = (parent, ul) => {
      for (const c of kids.get(parent) || []) {
        const li = el("li", null, nodeRow(c));
        if (kids.has(c.id)) { const sub = el("ul"); build(c.id, sub); li.appendChild(sub); }
        ul.appendChild(li);
      }
    };
    build(0, root);
    if (!S.codes.length) root.appendChild(el("li", { class: "muted", text: t("codes.empty") }));
    applySearch();
    renderBulk();
  }

  // -- search: matching codes and the path to them stay; the match is marked ---------------
  function applySearch() {
    const q = S.q.trim().toLowerCase();
    const keep = new Set();
    if (q) {
      for (const c of S.codes) {
        if (!c.name.toLowerCase().includes(q)) continue;
        for (let x = c; x; x = x.parent === null ? null : S.byId.get(x.parent)) keep.add(x.id);
      }
    }
    let found = 0;
    for (const row of $("tree").querySelectorAll(".node")) {
      const c = S.byId.get(+row.dataset.id);
      row.parentElement.classList.toggle("hidden", Boolean(q) && !keep.has(c.id));
      const name = row.querySelector(".name");
      if (!name) continue;
      const i = q ? c.name.toLowerCase().indexOf(q) : -1;
      clear(name);
      if (i < 0) name.textContent = c.name;
      else { found++; name.append(c.name.slice(0, i), el("mark", { text: c.name.slice(i, i + q.length) }), c.name.slice(i + q.length)); }
    }
    $("tree-count").textContent = q ? t("codes.found", { n: found }) : "";
  }

  function onSearchKey(e) {
    if (e.key === "Escape") { e.target.value = ""; S.q = ""; applySearch(); }
    else if (e.key === "Enter") {
      e.preventDefault();  // Enter opens the first match
      const first = Array.from($("tree").querySelectorAll(".node")).find((n) => !n.closest("li.hidden") && n.querySelector("mark"));
      if (first) select(+first.dataset.id);
    }
  }

  // -- several ticked codes: move them under a code (or to the top), or merge them -------------
  function renderBulk() {
    const box = clear($("bulk"));
    const ids = Array.from(S.checked);
    box.hidden = !canWrite || !ids.length;
    if (box.hidden) return;
    const target = el("select", { attrs: { "aria-label": t("codes.bulk_target") } });
    target.appendChild(el("option", { value: "", text: t("codes.top") }));
    for (const c of S.codes) if (!S.checked.has(c.id)) target.appendChild(el("option", { value: String(c.id), text: "\u00a0".repeat(2 * c.depth) + c.name }));
    const into = el("select", { attrs: { "aria-label": t("codes.merge") } });
    into.appendChild(el("option", { value: "", text: t("codes.bulk_pick") }));
    for (const c of S.codes) into.appendChild(el("option", { value: String(c.id), text: "\u00a0".repeat(2 * c.depth) + c.name }));
    const btn = (key, fn) => el("button", { type: "button", text: t(key), on: { click: fn } });
    box.append(el("strong", { text: t("codes.selected", { n: ids.length }) }),
      el("label", null, t("codes.bulk_move") + " ", target), btn("codes.bulk_move_go", () => moveMany(ids, target.value)),
      el("label", null, t("codes.bulk_merge") + " ", into), btn("codes.bulk_merge_go", () => { if (into.value) merge(S.byId.get(+into.value)); else into.focus(); }),
      el("button", { type: "button", class: "link", text: t("common.cancel"), on: { click: () => { S.checked.clear(); renderTree(); } } }));
  }

  async function moveMany(ids, parent) {
    try { await api("POST", "/api/codes/move", { ids, parent: parent === "" ? null : +parent }); S.checked.clear(); }
    catch (e) { /* toasted by api() */ }
    finally { Z.changed(); }
  }

  async function promote(c) {
    const name = window.prompt(t("codes.promote_name", { x: c.name }), c.name + "（范畴）");
    if (!name || !name.trim()) return;
    const res = await api("POST", "/api/codes/" + c.id + "/promote", { name: name.trim() });
    S.selected = res.id;
    Z.toast(t("codes.promoted", { x: c.name }), "ok");
    Z.changed();
  }

  function nodeRow(c) {
    const row = el("div", { class: "node" + (S.selected === c.id ? " on" : ""), data: { id: c.id }, attrs: { draggable: canWrite ? "true" : "false" } });
    if (canWrite) {
      const box = el("input", { type: "checkbox", title: t("codes.merge") });
      box.checked = S.checked.has(c.id);
      box.addEventListener("click", (e) => { e.stopPropagation(); if (box.checked) S.checked.add(c.id); else S.checked.delete(c.id); renderTree(); });
      row.appendChild(box);
    }
    const color = el("input", { type: "color", class: "color", value: c.color, title: t("codes.color"), attrs: { list: "code-palette" } });
    color.disabled = !canWrite;
    color.addEventListener("click", (e) => e.stopPropagation());
    color.addEventListener("change", () => patch(c.id, { color: color.value }));
    row.append(color, el("span", { class: "name", text: c.name }), el("span", { class: "lvl l" + c.level, text: levelName(c.level) }));
    if (canWrite) row.appendChild(actions(c, row));
    row.appendChild(el("span", { class: "cnt", title: t("codes.count", { c: c.count, t: c.total }), text: c.count + " / " + c.total }));
    row.addEventListener("click", () => select(c.id));
    if (canWrite) wireDrag(row, c);
    return row;
  }

  function actions(c, row) {
    const box = el("span", { class: "acts" });
    const btn = (key, fn, cls) => el("button", { type: "button", class: cls || "", text: t(key), on: { click: (e) => { e.stopPropagation(); fn(); } } });
    box.appendChild(btn("codes.rename", () => rename(c, row)));
    box.appendChild(btn("codes.add_child", () => addChild(c)));  // depth is free
    if (S.checked.size && !S.checked.has(c.id)) box.appendChild(btn("codes.merge_here", () => merge(c)));
    if (c.level !== 4) box.appendChild(btn("codes.promote", () => promote(c)));
    box.appendChild(btn("common.delete", () => remove(c)));
    return box;
  }

  function rename(c, row) {
    const name = row.querySelector(".name");
    const inp = el("input", { class: "rename", value: c.name });
    inp.addEventListener("click", (e) => e.stopPropagation());
    inp.addEventListener("keydown", async (e) => {
      if (e.key === "Enter") { e.preventDefault(); if (inp.value.trim() && inp.value.trim() !== c.name) await patch(c.id, { name: inp.value.trim() }); else load(); }
      else if (e.key === "Escape") load();
    });
    inp.addEventListener("blur", () => setTimeout(load, 150));
    name.replaceWith(inp);
    inp.focus();
    inp.select();
  }

  async function addChild(c) {
    const name = window.prompt(t("codes.name"), "");
    if (!name || !name.trim()) return;
    try { await api("POST", "/api/codes", { name: name.trim(), parent: c.id }); } catch (e) { return shown(e); }  // level: parent's − 1, or none
    Z.changed();
  }

  async function merge(into) {
    if (!into) return;
    const sources = Array.from(S.checked).filter((id) => id !== into.id);
    if (!sources.length) return;
    const names = sources.map((id) => (S.byId.get(id) || {}).name).join("、");
    if (!window.confirm(t("codes.merge") + "\n" + names + " → " + into.name)) return;
    try { await api("POST", "/api/codes/merge", { sources, into: into.id }); } catch (e) { return shown(e); }
    S.checked.clear();
    Z.changed();
  }

  async function remove(c) {
    if (!window.confirm(t("codes.delete_confirm", { x: c.name }))) return;
    try {
      await api("DELETE", "/api/codes/" + c.id, undefined, { quiet: true });
    } catch (e) {
      if (e.status !== 409) { Z.toast(e.message, "error"); return; }
      if (!window.confirm(t("codes.delete_force", { x: e.message }))) return;
      try { await api("DELETE", "/api/codes/" + c.id + "?force=true"); } catch (e2) { return shown(e2); }
    }
    if (S.selected === c.id) S.selected = null;
    Z.changed();
  }

  // A refused edit (an illegal move, a name taken) has been toasted by api(): it is the
  // user's answer, not an error of the page, so it is not thrown on into the console.
  const shown = () => {};

  async function patch(id, body) {
    try { await api("PATCH", "/api/codes/" + id, body); } catch (e) { shown(e); } finally { Z.changed(); }
  }

  // -- drag and drop ---------------------------------------------------------------------
  function wireDrag(row, c) {
    row.addEventListener("dragstart", (e) => {
      S.dragging = c.id;
      e.dataTransfer.setData("text/plain", String(c.id));
      e.dataTransfer.effectAllowed = "move";
    });
    row.addEventListener("dragend", () => { S.dragging = null; });
    row.addEventListener("dragover", (e) => { if (S.dragging && S.dragging !== c.id) { e.preventDefault(); row.classList.add("drop"); } });
    row.addEventListener("dragleave", () => row.classList.remove("drop"));
    row.addEventListener("drop", (e) => { e.preventDefault(); row.classList.remove("drop"); moveTo(S.dragging, c.id); });
  }

  /** Why ``id`` cannot move under ``parent`` (null: to the top), or "" when it can: under
   * itself or its own descendant, or beside a code of the same name. Said at once, without
   * a request the server would refuse (and the browser would log as a failed load). */
  function illegalMove(id, parent) {
    const c = S.byId.get(id);
    for (let p = parent; p !== null && p !== undefined; p = (S.byId.get(p) || {}).parent) {
      if (p === id) return t("codes.move_cycle", { x: c.name });
    }
    if (S.codes.some((o) => o.id !== id && o.parent === parent && o.name === c.name)) return t("codes.move_name", { x: c.name });
    return "";
  }

  async function moveTo(id, parent) {
    if (!id || id === parent || !S.byId.has(id)) return;
    const why = illegalMove(id, parent);
    if (why) { Z.toast(why, "error"); return; }
    try { await api("POST", "/api/codes/" + id + "/move", { parent }); } catch (e) { shown(e); } finally { Z.changed(); }
  }

  function wireTop() {
    const top = $("drop-top");
    top.hidden = !canWrite;
    top.addEventListener("dragover", (e) => { if (S.dragging) { e.preventDefault(); top.classList.add("drop"); } });
    top.addEventListener("dragleave", () => top.classList.remove("drop"));
    top.addEventListener("drop", (e) => { e.preventDefault(); top.classList.remove("drop"); moveTo(S.dragging, null); });
  }

  // -- detail: the selected code and its codings in context ------------------------------
  function select(id) {
    S.selected = id;
    for (const n of document.querySelectorAll(".node")) n.classList.toggle("on", +n.dataset.id === id);
    showDetail(id);
  }

  async function showDetail(id) {
    const c = S.byId.get(id);
    const box = clear($("detail"));
    const lvl = el("select", { attrs: { "aria-label": t("codes.level") } });
    for (const l of S.levels) lvl.appendChild(el("option", { value: String(l.level), text: levelName(l.level) }));
    lvl.appendChild(el("option", { value: "none", text: levelName(null) }));
    lvl.value = c.level === null ? "none" : String(c.level);
    lvl.disabled = !canWrite;
    lvl.addEventListener("change", () => patch(c.id, { level: lvl.value === "none" ? "none" : +lvl.value }));
    const desc = el("textarea", { value: c.description || "", attrs: { rows: "3", placeholder: t("codes.description") } });
    desc.disabled = !canWrite;
    desc.addEventListener("change", () => patch(c.id, { description: desc.value }));
    const withKids = el("input", { type: "checkbox" });
    withKids.checked = c.level > 1;
    box.append(el("h2", { text: c.name }),
      el("p", { class: "muted", text: c.path + " · " + t("codes.count", { c: c.count, t: c.total }) }),
      el("label", null, t("codes.level") + " ", lvl),
      el("h3", { text: t("codes.description") }), desc,
      el("h3", null, t("codes.codings") + " ", el("label", { class: "check small" }, withKids, t("codes.descendants"))));
    const memoBox = el("div", { class: "code-memos" });
    box.appendChild(memoBox);
    const list = el("ul", { class: "context-list" });
    box.appendChild(list);
    showMemos(memoBox, c).catch(() => {});
    const fill = async () => {
      const res = await api("GET", "/api/codes/" + id + "/codings" + Z.query({ descendants: withKids.checked, chars: 60 }));
      clear(list);
      for (const k of res.codings) list.appendChild(contextItem(k));
      if (res.total > res.codings.length) list.appendChild(el("li", { class: "muted", text: t("common.more", { n: res.total - res.codings.length }) }));
    };
    withKids.addEventListener("change", fill);
    await fill();
  }

  /** The memos on a code, and the way to the memo page to read or write more. */
  async function showMemos(box, c) {
    const memos = await api("GET", "/api/memos" + Z.query({ target_type: "code", target_id: c.id }), undefined, { quiet: true });
    const link = el("a", { href: "/memos" + Z.query({ target_type: "code", target_id: c.id }), text: t("memo.open", { n: memos.length }) });
    clear(box).append(el("h3", null, t("memo.on_code") + " ", link));
    const ul = el("ul", { class: "memo-list" });
    for (const m of memos.slice(0, 5)) {
      ul.appendChild(el("li", null, el("div", { class: "meta" }, el("span", { class: "memo-type t-" + (m.type || "none"), text: t("memo.type." + (m.type || "none")) }),
        el("b", { text: m.title || "#" + m.id })), el("div", { class: "memo-text", text: m.text })));
    }
    box.appendChild(ul);
  }

  function contextItem(k) {
    const link = el("a", { href: "/documents/" + k.document + "#at=" + k.start + "-" + k.end, text: t("codes.open_doc") + " #" + k.document });
    return el("li", null,
      el("span", { class: "ctx", text: k.before }), el("mark", { class: "hit", text: k.text }), el("span", { class: "ctx", text: k.after }),
      el("div", { class: "meta" }, k.code_name + " · " + k.coder + " · ", link));
  }

  async function create(e) {
    e.preventDefault();
    const name = $("new-name").value.trim();
    if (!name) return;
    const nl = $("new-level").value;
    try { await api("POST", "/api/codes", { name, level: nl === "none" ? "none" : +nl }); } catch (e2) { return shown(e2); }
    $("new-name").value = "";
    Z.changed();
  }

  $("new-code").addEventListener("submit", create);
  $("tree-search").addEventListener("input", (e) => { S.q = e.target.value; applySearch(); });
  $("tree-search").addEventListener("keydown", onSearchKey);
  document.addEventListener("keydown", (e) => {  // "/" searches the tree, as in many tools
    if (e.key === "/" && !Z.typing(e) && !e.ctrlKey && !e.metaKey) { e.preventDefault(); $("tree-search").focus(); }
  });
  $("new-code").hidden = !canWrite;
  wireTop();
  document.addEventListener("zhagen:changed", load);
  // Live updates: another browser's edit reloads the tree (counts change with codings),
  // unless the user is dragging a code or typing in the tree or the code's details (a
  // rename or a description in progress); then as soon as they are done.
  let remote = false;
  const busy = () => {
    const a = document.activeElement || document.body;
    return Boolean(S.dragging) || (Z.typing({ target: a }) && ($("tree").contains(a) || $("detail").contains(a)));
  };
  Z.live(() => { remote = true; });
  setInterval(() => { if (remote && !busy()) { remote = false; load(); } }, 300);
  load();
})();
