/* Login: the token printed at start, or an account. */
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  async function login(body) {
    $("login-error").hidden = true;
    try {
      await Z.api("POST", "/api/login", body, { quiet: true });
      location.href = Z.data.next || "/documents";
    } catch (e) {
      $("login-error").textContent = Z.t("login.failed") + "：" + e.message;
      $("login-error").hidden = false;
    }
  }

  $("token-form").addEventListener("submit", (e) => { e.preventDefault(); login({ token: $("token").value.trim() }); });
  $("account-form").addEventListener("submit", (e) => {
    e.preventDefault();
    login({ username: $("username").value.trim(), password: $("password").value });
  });
  if (Z.data.failed) { $("login-error").textContent = Z.t("login.failed"); $("login-error").hidden = false; }
  $("token").focus();
})();
