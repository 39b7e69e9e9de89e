/* Memos: every memo of the project, searchable and filtered by type (Kuckartz: code,
 * theory, method, reflection) and by what it is about, each linked to its document,
 * coding, code or relation; written, retyped and exported (Markdown, DOCX) here.
 * ?target_type=&target_id= shows the memos of one thing and writes new ones on it. */
"use strict";

(function () {
  const { t, el, clear, api, query } = Z;
  const canWrite = Z.data.session.role !== "viewer";
  const $ = (id) => document.getElementById(id);
  const TYPES = ["code", "theory", "method", "reflection"];
  const TARGETS = ["project", "document", "code", "coding", "relation"];
  const url = new URLSearchParams(location.search);
  const S = { target: url.get("target_type"), id: url.get("target_id"), editing: null, memos: [] };

  function typeName(type) { return t("memo.type." + (type || "none")); }

  function options(sel, values, label, all) {
    clear(sel);
    if (all) sel.appendChild(el("option", { value: "", text: t("common.all") }));
    for (const v of values) sel.appendChild(el("option", { value: v, text: label(v) }));
  }

  function filters() {
    return { q: $("memo-q").value.trim(), type: $("memo-type").value,
      target_type: S.target || $("memo-target").value, target_id: S.target ? S.id : "" };
  }

  /** Where a memo leads: its coding in the document, the document, the code, the model. */
  function aboutLink(m) {
    const kind = m.target_type;
    let text = t("memo.target." + kind);
    if (kind !== "project") text += " #" + m.target_id + (m.target_name ? " · " + m.target_name : "");
    let href = null;
    if (kind === "coding" && m.document !== null) href = "/documents/" + m.document + "#at=" + m.start + "-" + m.end;
    else if (kind === "document") href = "/documents/" + m.target_id;
    else if (kind === "code") href = "/codes#code=" + m.target_id;
    else if (kind === "relation") href = "/model#relation=" + m.target_id;
    return href ? el("a", { class: "about", href, text }) : el("span", { class: "about muted", text });
  }

  async function load() {
    S.memos = await api("GET", "/api/memos" + query(filters()));
    const list = clear($("memo-list"));
    $("memo-count").textContent = t("memo.count", { n: S.memos.length });
    if (!S.memos.length) list.appendChild(el("li", { class: "muted", text: t("memo.empty") }));
    for (const m of S.memos) list.appendChild(S.editing === m.id ? editItem(m) : item(m));
  }

  function item(m) {
    const head = el("div", { class: "memo-head" },
      el("span", { class: "memo-type t-" + (m.type || "none"), text: typeName(m.type) }),
      el("span", { class: "memo-title", text: m.title || "#" + m.id }), aboutLink(m),
      el("span", { class: "muted small", text: [m.coder, (m.modified || "").slice(0, 16).replace("T", " ")].filter(Boolean).join(" · ") }));
    if (canWrite) {
      head.appendChild(el("span", { class: "rel-acts" },
        el("button", { type: "button", class: "link", text: t("common.edit"), on: { click: () => { S.editing = m.id; load(); } } }),
        el("button", { type: "button", class: "link", text: t("common.delete"), on: { click: () => remove(m) } })));
    }
    return el("li", { data: { id: m.id } }, head, el("div", { class: "memo-text", text: m.text }));
  }

  function typeSelect(value) {
    const sel = el("select", { attrs: { name: "type", "aria-label": t("memo.type") } });
    options(sel, ["", ...TYPES], typeName, false);
    sel.value = value || "";
    return sel;
  }

  function editItem(m) {
    const title = el("input", { type: "text", value: m.title || "", attrs: { name: "title", maxlength: "500", placeholder: t("doc.memo_title") } });
    const type = typeSelect(m.type);
    const text = el("textarea", { value: m.text, attrs: { name: "text", rows: "5", maxlength: "200000" } });
    const form = el("form", { attrs: { autocomplete: "off" } }, el("div", { class: "row-form" }, title, type), text,
      el("p", null, el("button", { type: "submit", text: t("common.save") }), " ",
        el("button", { type: "button", class: "ghost", text: t("common.cancel"), on: { click: () => { S.editing = null; load(); } } })));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try { await api("PATCH", "/api/memos/" + m.id, { title: title.value, type: type.value, text: text.value }); } catch (err) { return; }
      S.editing = null;
      Z.changed();
    });
    return el("li", { class: "editing", data: { id: m.id } }, form);
  }

  async function remove(m) {
    if (!window.confirm(t("memo.delete_confirm"))) return;
    try { await api("DELETE", "/api/memos/" + m.id); } catch (err) { return; }
    Z.changed();
  }

  async function add(e) {
    e.preventDefault();
    const text = $("new-text").value;
    if (!text.trim()) return;
    const target = S.target || "project";
    try {
      await api("POST", "/api/memos", { target_type: target, target_id: target === "project" ? null : +S.id,
        title: $("new-title").value.trim(), type: $("new-type").value, text });
    } catch (err) { return; }
    $("new-text").value = "";
    $("new-title").value = "";
    Z.changed();
  }

  function exportAs(format) {
    const f = filters();
    Z.download("/api/memos/export" + query({ format, type: f.type, q: f.q }), "memos." + format).catch(() => {});
  }

  async function showTarget() {
    if (!S.target) return;
    $("memo-target").value = S.target;
    $("memo-target").disabled = true;
    const about = $("memo-about");
    const name = t("memo.target." + S.target) + " #" + S.id;
    about.append(t("memo.target") + "：" + name + " ", el("a", { href: "/memos", text: t("memo.all") }));
    about.hidden = false;
    $("memo-new-title").textContent = t("memo.new_on", { x: name });
  }

  options($("memo-type"), ["none", ...TYPES], typeName, true);
  options($("memo-target"), TARGETS, (v) => t("memo.target." + v), true);
  options($("new-type"), ["", ...TYPES], typeName, false);
  if (url.get("type")) $("memo-type").value = url.get("type");
  if (url.get("q")) $("memo-q").value = url.get("q");
  $("memo-new").hidden = !canWrite;
  $("memo-new").addEventListener("submit", add);
  let timer = null;
  $("memo-q").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(load, 250); });
  for (const id of ["memo-type", "memo-target"]) $(id).addEventListener("change", load);
  $("memo-filters").addEventListener("submit", (e) => { e.preventDefault(); load(); });
  $("export-md").addEventListener("click", () => exportAs("md"));
  $("export-docx").addEventListener("click", () => exportAs("docx"));
  document.addEventListener("zhagen:changed", load);
  showTarget();
  load();
})();
