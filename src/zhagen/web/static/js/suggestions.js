/* The suggestion queue: open suggestions across documents, best first. J/K (or ↓/↑) move,
 * Enter accepts the selected one (a coding by me, one undo step), Delete or Backspace
 * rejects it (never suggested again for that sentence and code). A suggestion is never a
 * coding until accepted. Text is only ever written with textContent.
 */
"use strict";

(function () {
  const { t, el, clear, api } = Z;
  const $ = (id) => document.getElementById(id);
  const S = { rows: [], at: 0, busy: false };

  async function load() {
    const res = await api("GET", "/api/suggestions");
    S.rows = res.suggestions;
    S.at = Math.min(S.at, Math.max(0, S.rows.length - 1));
    $("sug-eval").textContent = res.evaluation
      ? t("sug.kappa") + " κ = " + res.evaluation.kappa.toFixed(3)
      : t("sug.noeval");
    draw();
  }

  function draw() {
    const body = $("sug-rows");
    clear(body);
    $("sug-empty").hidden = S.rows.length > 0;
    S.rows.forEach((r, i) => {
      const tr = el("tr", { class: i === S.at ? "on" : "", data: { id: String(r.id) } });
      const link = el("a", { href: "/documents/" + r.document, text: r.title || "#" + r.document });
      tr.appendChild(el("td", {}, link));
      tr.appendChild(el("td", { text: String(r.sentence + 1) }));
      tr.appendChild(el("td", { class: "sug-text", text: r.text }));
      tr.appendChild(el("td", { class: "sug-code", text: r.code_name || "" }));
      tr.appendChild(el("td", { text: r.score.toFixed(2) }));
      const ok = el("button", { type: "button", class: "sug-accept", text: t("sug.accept") });
      const no = el("button", { type: "button", class: "sug-reject", text: t("sug.reject") });
      ok.addEventListener("click", () => { S.at = i; decide("accept"); });
      no.addEventListener("click", () => { S.at = i; decide("reject"); });
      tr.appendChild(el("td", {}, ok, no));
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
    if (!r || S.busy) return;
    S.busy = true;
    try {
      await api("POST", "/api/suggestions/" + r.id + "/" + action, {});
      $("sug-status").textContent = t(action === "accept" ? "sug.accepted" : "sug.rejected");
      await load();
    } finally {
      S.busy = false;
    }
  }

  document.addEventListener("keydown", (e) => {
    if (e.target.closest && e.target.closest("input, textarea, select")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "j" || e.key === "J" || e.key === "ArrowDown") { S.at = Math.min(S.at + 1, S.rows.length - 1); mark(); e.preventDefault(); }
    else if (e.key === "k" || e.key === "K" || e.key === "ArrowUp") { S.at = Math.max(S.at - 1, 0); mark(); e.preventDefault(); }
    else if (e.key === "Enter") { decide("accept"); e.preventDefault(); }
    else if (e.key === "Delete" || e.key === "Backspace") { decide("reject"); e.preventDefault(); }
  });

  load();
})();
