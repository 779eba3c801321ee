/* A figure or table wider than the screen scrolls in a box of its own (the swimlanes on a phone,
 * the responsibility matrix on a desktop). The hint just before such a box ([data-scroll-hint]) shows
 * only while the box is narrower than what it holds, so a reader knows there is more to the side
 * and is not told so where everything is in view. No inline script: CSP-clean. */
(function () {
  "use strict";

  function update() {
    var hints = document.querySelectorAll("[data-scroll-hint]");
    for (var i = 0; i < hints.length; i++) {
      var box = hints[i].nextElementSibling;
      hints[i].hidden = !box || box.scrollWidth <= box.clientWidth + 1;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", update);
})();
