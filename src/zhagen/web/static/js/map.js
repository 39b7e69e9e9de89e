/* Map page: run a knowledge map with the CLI's parameters, browse runs, explore a run in
 * tabs (interactive map.html, nodes with their records, clusters, bursts, timeline, files). */
"use strict";

(function () {
  const { t, el, clear, api, grid } = Z;
  const canWrite = Z.data.session.role !== "viewer";
  const $ = (id) => document.getElementById(id);
  const S = { params: {}, runs: [], run: null, detail: null, tab: "map" };
  // The form is made from the parameters' one declaration (GET /api/params/maps, see
  // Z.paramField); "main" ones are shown first.

  function input(name, spec) { return Z.paramField(name, spec); }

  function buildForm() {
    const f = clear($("map-form"));
    const entries = Object.entries(S.params);
    for (const [name, spec] of entries) if (spec.main) f.appendChild(input(name, spec));
    const more = el("details", null, el("summary", { text: t("map.advanced") }));
    const box = el("div");
    for (const [name, spec] of entries) if (!spec.main) box.appendChild(input(name, spec));
    more.appendChild(box);
    f.appendChild(more);
    const file = el("input", { type: "file", attrs: { id: "thesaurus", accept: ".txt,.tsv,.csv,text/plain" } });
    f.appendChild(el("label", { class: "full", title: t("map.thesaurus_hint") }, t("map.thesaurus"), file,
      el("small", { class: "muted", text: t("map.thesaurus_hint") })));
    const run = el("button", { type: "submit", class: "full", text: t("map.run") });
    run.disabled = !canWrite;
    f.appendChild(run);
  }

  function formValues() { return Z.paramValues($("map-form"), S.params); }

  async function runMap(e) {
    e.preventDefault();
    const button = $("map-form").querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = t("map.running");
    try {
      const file = $("thesaurus").files[0];
      let body = formValues();
      if (file) {
        const form = new FormData();
        form.append("params", JSON.stringify(body));
        form.append("thesaurus", file, file.name);
        body = form;
      }
      const res = await api("POST", "/api/maps", body);
      await loadRuns();
      await openRun(res.run);
    } catch (err) {
      // api() has shown the error (a bad thesaurus names its file and line); keep the form
    } finally {
      button.disabled = !canWrite;
      button.textContent = t("map.run");
    }
  }

  async function loadRuns() {
    S.runs = await api("GET", "/api/maps");
    const list = clear($("runs"));
    for (const r of S.runs) {
      const s = r.summary || {};
      const label = "#" + r.id + " · " + (r.created || "").slice(0, 16).replace("T", " ") + " · " + (s.nodes ?? "?") + " / " + (s.edges ?? "?");
      const li = el("li", { class: r.id === S.run ? "on" : "", text: label, data: { id: r.id } });
      if (!r.has_files) li.classList.add("muted");
      else li.addEventListener("click", () => openRun(r.id));
      list.appendChild(li);
    }
  }

  async function openRun(run) {
    S.run = run;
    S.detail = await api("GET", "/api/maps/" + run);
    for (const li of $("runs").children) li.classList.toggle("on", +li.dataset.id === run);
    showTab(S.tab);
  }

  function showTab(name) {
    S.tab = name;
    for (const b of $("map-tabs").children) b.classList.toggle("on", b.dataset.tab === name);
    const body = clear($("map-body"));
    if (!S.detail) { body.appendChild(el("p", { class: "muted", text: t("map.none") })); return; }
    const views = { map: viewMap, nodes: viewNodes, clusters: () => grid(S.detail.clusters), bursts: () => grid(S.detail.bursts), timeline: viewTimeline, files: viewFiles };
    body.appendChild(views[name]());
  }

  function fileUrl(name) { return "/maps/" + S.run + "/files/" + encodeURIComponent(name); }

  function viewMap() {
    const s = S.detail.summary;
    const facts = ["records", "nodes", "edges", "clusters", "modularity", "silhouette", "bursts"]
      .filter((k) => s[k] !== undefined).map((k) => Z.label("col.", k) + " " + Z.fmt(s[k])).join(" · ");
    const scope = s.scope || {};
    const scopeText = t("scope.of_map") + ": " + (scope.query || t("scope.all")) + " · " +
      t("scope.count", { n: s.records ?? scope.count ?? "?", total: scope.total ?? "?" });
    const notes = (s.notes || []).map((n) => el("p", { class: "note", text: n }));
    const frame = el("iframe", { class: "map-frame", title: "map", attrs: { src: fileUrl("map.html"), sandbox: "allow-scripts", referrerpolicy: "no-referrer" } });
    return el("div", null, el("p", { class: "muted", text: facts }), el("p", { class: "muted map-scope", text: scopeText }), ...notes, frame);
  }

  function viewNodes() {
    const filter = el("input", { type: "search", attrs: { placeholder: t("map.filter") } });
    const tableBox = el("div");
    const recs = el("div", null, el("p", { class: "muted", text: t("map.records") }));
    const cols = ["id", "label", "frequency", "degree", "betweenness", "burst_strength", "cluster", "first_year"];
    const all = S.detail.nodes;
    const idCol = all.columns.indexOf("id");
    const labelCol = all.columns.indexOf("label");
    const render = () => {
      const q = filter.value.trim().toLowerCase();
      const rows = q ? all.rows.filter((r) => String(r[labelCol]).toLowerCase().includes(q)) : all.rows;
      clear(tableBox).appendChild(grid({ columns: all.columns, rows, total: rows.length }, {
        columns: cols.filter((c) => all.columns.includes(c)),
        row: (tr, row) => { tr.classList.add("clickable"); tr.addEventListener("click", () => showRecords(recs, row[idCol], row[labelCol])); },
      }));
    };
    filter.addEventListener("input", render);
    render();
    return el("div", null, filter, el("div", { class: "map-nodes" }, tableBox, recs));
  }

  async function showRecords(box, node, label) {
    const res = await api("GET", "/api/maps/" + S.run + "/nodes/" + node + "/records");
    clear(box).appendChild(el("h3", { text: label + " · " + t("map.records") + " (" + res.total + ")" }));
    const ul = el("ul", { class: "records" });
    for (const r of res.records) ul.appendChild(el("li", null, el("a", { href: "/documents/" + r.id, text: "#" + r.id + " " + (r.title || "") })));
    box.appendChild(ul);
  }

  function viewTimeline() {
    const box = el("div");
    for (const name of ["timeline.png", "bursts.png", "timezone.png", "overlay.png", "density.png", "thematic_map.png"]) {
      if (S.detail.files.includes(name)) box.appendChild(el("p", null, el("img", { class: "figure", attrs: { src: fileUrl(name), alt: name } })));
    }
    return box;
  }

  function viewFiles() {
    const ul = el("ul");
    for (const name of S.detail.files) ul.appendChild(el("li", null, el("a", { href: fileUrl(name), text: name, attrs: { download: name } })));
    return ul;
  }

  async function init() {
    S.params = await api("GET", "/api/params/maps");
    buildForm();
    $("map-form").addEventListener("submit", runMap);
    for (const b of $("map-tabs").children) b.addEventListener("click", () => showTab(b.dataset.tab));
    await loadRuns();
    const first = S.runs.find((r) => r.has_files);
    if (first) await openRun(first.id);
  }

  init();
})();
