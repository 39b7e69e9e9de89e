/* Settings: my coder name, the blind-coding switch and accounts (owner), edit history. */
"use strict";

(function () {
  const { t, el, clear, api } = Z;
  const $ = (id) => document.getElementById(id);
  const s = Z.data.session;

  async function setCoder(e) {
    e.preventDefault();
    const name = $("coder-input").value.trim();
    if (!name) return;
    await Z.setCoder(name);
    const bar = $("first-use");
    if (bar) bar.remove();
    Z.toast(t("common.saved"), "ok");
  }

  async function loadUsers() {
    const body = clear($("users").querySelector("tbody"));
    for (const u of await api("GET", "/api/users")) {
      const del = el("button", { type: "button", class: "link", text: t("common.delete"), on: { click: async () => {
        await api("DELETE", "/api/users/" + encodeURIComponent(u.name));
        loadUsers();
      } } });
      body.appendChild(el("tr", null, el("td", { text: u.name }), el("td", { text: t("set.role." + u.role) }), el("td", null, del)));
    }
  }

  async function addUser(e) {
    e.preventDefault();
    await api("POST", "/api/users", { name: $("u-name").value.trim(), password: $("u-pass").value, role: $("u-role").value });
    $("u-name").value = "";
    $("u-pass").value = "";
    loadUsers();
  }

  async function loadHistory() {
    const body = clear($("history").querySelector("tbody"));
    for (const h of await api("GET", "/api/history?limit=100")) {
      const row = el("tr", null, el("td", { class: "nowrap", text: (h.ts || "").slice(0, 19).replace("T", " ") }), el("td", { class: "nowrap", text: h.actor }), el("td", { text: Z.half(h.description) }));
      if (h.undone) row.classList.add("muted");
      body.appendChild(row);
    }
  }

  $("coder-input").value = s.coder || "";
  $("coder-input").disabled = !s.coder_settable;
  $("coder-form").addEventListener("submit", setCoder);
  if (s.role === "owner") {
    $("owner-only").hidden = false;
    $("blind").checked = !!s.blind;
    $("blind").addEventListener("change", async () => {
      await api("PUT", "/api/settings", { blind: $("blind").checked });
      location.reload();
    });
    if (s.auth_required) {
      $("users-box").hidden = false;
      $("user-form").addEventListener("submit", addUser);
      loadUsers();
    }
  }
  document.addEventListener("zhagen:changed", loadHistory);
  loadHistory();
})();
