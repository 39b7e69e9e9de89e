/* The hierarchy chart: the code tree as a treemap sized by codings, drawn by the library
 * (GET /api/hierarchy, SVG on the page, PNG or SVG to download); redrawn when the tree or
 * the codings change, here or in another browser. */
"use strict";

(function () {
  const { el, clear } = Z;
  const $ = (id) => document.getElementById(id);
  let shown = 0;

  function draw() {
    const img = el("img", { class: "figure", attrs: { alt: Z.t("hier.title"), src: "/api/hierarchy?format=svg&v=" + (++shown) } });
    img.addEventListener("error", () => Z.toast(Z.t("common.error"), "error"));
    clear($("chart")).appendChild(img);
  }

  $("dl-svg").addEventListener("click", () => Z.download("/api/hierarchy?format=svg", "hierarchy.svg").catch(() => {}));
  $("dl-png").addEventListener("click", () => Z.download("/api/hierarchy?format=png", "hierarchy.png").catch(() => {}));
  document.addEventListener("zhagen:changed", draw);
  Z.live(draw, 3);
  draw();
})();
