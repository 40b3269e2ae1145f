// Clearsight front end: no inline scripts (the CSP forbids them), no external loads.
(function () {
  "use strict";

  // HTMX requests carry the session's CSRF token in a header.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.body.dataset.csrf;
    if (token) { event.detail.headers["X-CSRF-Token"] = token; }
  });

  var COLOURS = { person: "#1d4f91", victim: "#b5651d", object: "#5b7f3a", location: "#7a3a7f", event: "#6b6b6b" };

  function drawGraph(box) {
    fetch(box.dataset.src, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var elements = [];
        data.nodes.forEach(function (n) {
          elements.push({ group: "nodes", data: { id: n.id, label: n.label, kind: n.kind } });
        });
        data.edges.forEach(function (e, i) {
          elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, evidence: e.evidence } });
        });
        var cy = window.cytoscape({
          container: box,
          elements: elements,
          layout: { name: "cose", animate: false, randomize: false },
          style: [
            { selector: "node", style: { label: "data(label)", "font-size": 9, "background-color": function (n) { return COLOURS[n.data("kind")] || "#888"; }, width: 18, height: 18 } },
            { selector: "node[kind = 'object']", style: { shape: "round-rectangle" } },
            { selector: "node[kind = 'location']", style: { shape: "diamond" } },
            { selector: "node[kind = 'event']", style: { shape: "triangle", width: 12, height: 12, "font-size": 7 } },
            { selector: "edge", style: { width: 1.5, "line-color": "#9aa4af", "curve-style": "bezier" } }
          ]
        });
        box.dataset.rendered = String(cy.nodes().length);
        window.csGraph = cy;
        var filter = document.getElementById("evidence-filter");
        if (filter) {
          filter.addEventListener("change", function () {
            var on = {};
            filter.querySelectorAll("input:checked").forEach(function (c) { on[c.value] = true; });
            cy.edges().forEach(function (e) {
              var ev = e.data("evidence");
              // Object and location edges follow their own boxes when present, else stay shown.
              e.style("display", (ev in on) || !filter.querySelector("input[value='" + ev + "']") ? "element" : "none");
            });
          });
        }
      })
      .catch(function (err) { box.textContent = "The graph could not be loaded (" + err.message + ")."; box.dataset.rendered = "error"; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("graph");
    if (box && window.cytoscape) { drawGraph(box); }
  });
})();
