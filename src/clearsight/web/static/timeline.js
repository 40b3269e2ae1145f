// Timeline legend: untick an event type to hide its marks (no data is fetched or sent).
"use strict";
(function () {
  function apply(legend, svg) {
    const shown = new Set();
    legend.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (box.checked) shown.add(box.value);
    });
    svg.querySelectorAll("g.mark").forEach(function (mark) {
      mark.classList.toggle("off", !shown.has(mark.getAttribute("data-type")));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    const legend = document.getElementById("timeline-legend");
    const svg = document.getElementById("timeline");
    if (!legend || !svg) return;
    legend.addEventListener("change", function () { apply(legend, svg); });
    svg.setAttribute("data-ready", "1");
  });
})();
