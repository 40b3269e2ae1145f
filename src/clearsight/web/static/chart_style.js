// The link chart's look (templates/chart.html): item colours, shapes and icons, link
// styles. Loaded before chart.js, which reads window.ClearsightChartStyle.
(function () {
  "use strict";

  // Item types: colour and a white glyph drawn as a small SVG (data: URIs are allowed
  // images under the CSP). The legend uses the same pictures.
  var GLYPHS = {
    person: '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7z"/>',
    child: '<circle cx="12" cy="9" r="3.2"/><path d="M6.5 20c0-3.6 2.5-5.6 5.5-5.6s5.5 2 5.5 5.6z"/>',
    event: '<rect x="4" y="6" width="16" height="14" rx="2"/><rect x="4" y="6" width="16" height="4" fill="#000" fill-opacity=".25"/><rect x="7" y="3" width="2" height="5"/><rect x="15" y="3" width="2" height="5"/>',
    place: '<path d="M12 2c-3.9 0-7 3-7 6.8C5 14 12 22 12 22s7-8 7-13.2C19 5 15.9 2 12 2zm0 9.5a2.6 2.6 0 1 1 0-5.2 2.6 2.6 0 0 1 0 5.2z"/>',
    phone: '<rect x="7" y="2" width="10" height="20" rx="2"/><rect x="9" y="5" width="6" height="11" fill="#000" fill-opacity=".3"/>',
    vehicle: '<path d="M3 15l2-6h14l2 6v4h-2.5a2 2 0 0 1-4 0h-5a2 2 0 0 1-4 0H3z"/><rect x="7" y="10" width="10" height="3" fill="#000" fill-opacity=".3"/>',
    email: '<rect x="3" y="6" width="18" height="12" rx="1.5"/><path d="M3.5 7l8.5 6 8.5-6" stroke="#000" stroke-opacity=".35" fill="none" stroke-width="1.5"/>',
    online_account: '<rect x="3" y="4" width="18" height="12" rx="1.5"/><rect x="9" y="17" width="6" height="3"/>'
  };
  var COLOURS = {
    person: "#1d4f91", child: "#c2410c", event: "#4b5563", place: "#7a3a7f",
    phone: "#2f7d4f", vehicle: "#5b6f1a", email: "#0e7490", online_account: "#0e7490"
  };
  var SHAPES = {
    person: "ellipse", child: "ellipse", event: "round-rectangle", place: "round-diamond",
    phone: "round-rectangle", vehicle: "round-rectangle", email: "round-rectangle",
    online_account: "round-rectangle"
  };
  // Links: a child's links stand out; involvement in an event is quieter than a
  // person-to-person link.
  var QUIET_LINKS = { uses: true, associated_with: true, occurred_at: true, suspect: true, offender: true, facilitator: true, associate: true };

  function icon(kind) {
    var glyph = GLYPHS[kind] || GLYPHS.person;
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="#fff">' + glyph + "</svg>";
    return "data:image/svg+xml;utf8," + encodeURIComponent(svg);
  }

  function style() {
    return [
      { selector: "node", style: {
        label: "data(display)", "font-size": 11, "font-family": "system-ui, sans-serif",
        color: "#1b1f24", "text-valign": "bottom", "text-halign": "center", "text-margin-y": 3,
        "text-wrap": "wrap", "text-max-width": 120, "text-background-color": "#ffffff",
        "text-background-opacity": 0.85, "text-background-padding": 1,
        width: 30, height: 30, "border-width": 2, "border-color": "#ffffff",
        "background-color": function (n) { return COLOURS[n.data("kind")] || "#888"; },
        shape: function (n) { return SHAPES[n.data("kind")] || "ellipse"; },
        "background-image": function (n) { return icon(n.data("kind")); },
        // Unclipped: the glyph sits inside the shape anyway, and the SVG export cannot
        // draw a clipped image.
        "background-width": "70%", "background-height": "70%", "background-clip": "none"
      } },
      { selector: "node[kind = 'child']", style: { "border-color": "#fbbf24", "border-width": 3, width: 30, height: 30 } },
      { selector: "node[kind = 'event']", style: { width: 26, height: 26, "font-size": 10 } },
      { selector: "node[kind = 'phone'], node[kind = 'vehicle'], node[kind = 'email'], node[kind = 'online_account']", style: { width: 24, height: 24, "font-size": 10 } },
      { selector: "node[?identified]", style: {} },
      { selector: "node[!identified]", style: { "border-style": "dashed", "border-color": "#6b7280", "font-style": "italic" } },
      { selector: "node.expandable", style: { "border-color": "#93c5fd", "border-width": 3 } },
      { selector: "node.expanded", style: { "border-color": "#1e3a8a", "border-width": 3 } },
      { selector: "node.pinned", style: { "outline-width": 2, "outline-color": "#111827", "outline-offset": 2 } },
      { selector: "node.noted", style: { "underlay-color": "#facc15", "underlay-opacity": 0.6, "underlay-padding": 5 } },
      { selector: "node:selected", style: { "overlay-color": "#2563eb", "overlay-opacity": 0.25, "overlay-padding": 6 } },
      { selector: "edge", style: {
        width: function (e) { return 1 + Math.min(e.data("strength") || 1, 6) * 0.6; },
        "line-color": "#94a3b8", "curve-style": "bezier", "control-point-step-size": 18,
        label: "", "font-size": 8, color: "#374151", "text-wrap": "wrap",
        "text-rotation": "autorotate", "text-background-color": "#ffffff",
        "text-background-opacity": 0.9, "text-background-padding": 1,
        "line-style": function (e) { var g = e.data("grade"); return g === "police" ? "solid" : (g === "partner" ? "dashed" : "dotted"); }
      } },
      // Link labels: every one ("all"); or ("auto") a child's links, the selected items'
      // links, and the rest once zoomed in far enough to read them; or none.
      { selector: "edge.labelled", style: { label: "data(label)" } },
      // (Cytoscape rounds the zoom up to a power of two here: shown from twice the size.)
      { selector: "edge.auto", style: { label: "data(label)", "min-zoomed-font-size": 17 } },
      { selector: "edge.auto.child-link, edge.auto.focus", style: { "min-zoomed-font-size": 0 } },
      { selector: "edge.child-link", style: { "line-color": "#ea580c" } },
      { selector: "edge.quiet", style: { "line-color": "#cbd5e1" } },
      { selector: "edge.noted", style: { "line-color": "#ca8a04" } },
      { selector: "edge:selected", style: { "line-color": "#2563eb", "z-index": 10 } },
      { selector: ".user-hidden, .filtered, .orphan", style: { display: "none" } }
    ];
  }

  window.ClearsightChartStyle = { icon: icon, style: style, QUIET_LINKS: QUIET_LINKS };
})();
