// The link chart (templates/chart.html): cytoscape with the fcose layout. No inline
// scripts (the CSP forbids them), nothing loaded from elsewhere.
(function () {
  "use strict";

  var look = window.ClearsightChartStyle;
  var icon = look.icon, style = look.style, QUIET_LINKS = look.QUIET_LINKS;

  function csrf() { return document.body.dataset.csrf || ""; }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("the server answered " + r.status); }
      return r.json();
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body)
    });
  }

  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function dayNumber(iso) { return Math.floor(Date.parse(iso + "T00:00:00Z") / 86400000); }
  function isoOf(day) { return new Date(day * 86400000).toISOString().slice(0, 10); }

  function Chart(box) {
    this.box = box;
    this.networkId = box.dataset.network;
    this.chartId = box.dataset.chart || null;
    this.status = document.getElementById("chart-status");
    this.notes = {};
    this.linkTypes = {};
    this.labelMode = "auto";
  }

  Chart.prototype.say = function (text) { if (this.status) { this.status.textContent = text; } };

  Chart.prototype.nodeData = function (n) {
    var d = { id: n.id, label: n.label, kind: n.kind, role: n.role, identified: n.identified,
              date: n.date || null, degree: n.degree || 0, via: [] };
    d.display = n.label;
    return d;
  };

  Chart.prototype.addElements = function (nodes, edges, via) {
    var cy = this.cy, self = this, added = cy.collection();
    nodes.forEach(function (n) {
      var existing = cy.getElementById(n.id);
      if (existing.nonempty()) {
        if (via && !existing.data("core") && existing.data("via").indexOf(via) < 0) {
          existing.data("via", existing.data("via").concat([via]));
        }
        return;
      }
      var d = self.nodeData(n);
      d.core = !via;
      d.via = via ? [via] : [];
      added = added.union(cy.add({ group: "nodes", data: d }));
    });
    edges.forEach(function (e) {
      if (cy.getElementById(e.id).nonempty()) { return; }
      if (cy.getElementById(e.source).empty() || cy.getElementById(e.target).empty()) { return; }
      var el = cy.add({ group: "edges", data: {
        id: e.id, source: e.source, target: e.target, link_type: e.link_type, label: e.label,
        strength: e.strength, grade: e.grade, first_date: e.first_date, last_date: e.last_date,
        parts: e.parts || [e] } });
      if (el.connectedNodes("[kind = 'child']").nonempty()) { el.addClass("child-link"); }
      else if (QUIET_LINKS[e.link_type]) { el.addClass("quiet"); }
      el.addClass(self.labelMode === "all" ? "labelled" : (self.labelMode === "auto" ? "auto" : ""));
      added = added.union(el);
    });
    this.markExpandable();
    return added;
  };

  Chart.prototype.markExpandable = function () {
    this.cy.nodes().forEach(function (n) {
      n.toggleClass("expandable", !n.hasClass("expanded") && n.connectedEdges().length < (n.data("degree") || 0));
    });
  };

  Chart.prototype.load = function () {
    var self = this;
    return getJSON(this.box.dataset.src).then(function (data) {
      self.data = data;
      self.cy = window.cytoscape({
        container: self.box, style: style(),
        minZoom: 0.15, maxZoom: 4, boxSelectionEnabled: true, selectionType: "additive"
      });
      window.csChart = self.cy;
      self.addElements(data.nodes, data.edges, null);
      self.buildFilters(data);
      self.buildLegend(data);
      var saved = data.saved;
      if (saved) { self.restore(saved); } else { self.layout(true); }
      self.bind();
      self.say(self.cy.nodes().length + " items on the chart of " + data.counts.nodes + "; double-click an item to expand it.");
    }).catch(function (err) {
      self.box.textContent = "The chart could not be loaded (" + err.message + ").";
      self.box.dataset.state = "error";
    });
  };

  Chart.prototype.restore = function (saved) {
    var cy = this.cy, self = this;
    this.notes = saved.notes || {};
    saved.expanded.forEach(function (id) { cy.getElementById(id).addClass("expanded"); });
    // Items a saved expansion brought in belong to it: collapsing it removes them.
    cy.nodes().forEach(function (n) {
      if (n.data("core") && self.data.core_ids && self.data.core_ids.indexOf(n.id()) < 0) { n.data("core", false); }
    });
    saved.expanded.forEach(function (id) {
      cy.getElementById(id).neighborhood("node").forEach(function (m) {
        if (self.data.core_ids && self.data.core_ids.indexOf(m.id()) < 0) {
          m.data("via", m.data("via").concat([id]));
        }
      });
    });
    Object.keys(saved.positions).forEach(function (id) {
      var p = saved.positions[id];
      cy.getElementById(id).position({ x: p[0], y: p[1] });
    });
    saved.pinned.forEach(function (id) { cy.getElementById(id).addClass("pinned"); });
    saved.hidden.forEach(function (id) { cy.getElementById(id).addClass("user-hidden"); });
    Object.keys(this.notes).forEach(function (id) { self.showNote(cy.getElementById(id)); });
    var f = saved.filters || {};
    if (f.from && this.from) { this.from.value = String(dayNumber(f.from)); }
    if (f.to && this.to) { this.to.value = String(dayNumber(f.to)); }
    if (f.off) { f.off.forEach(function (t) { var box = self.linkTypes[t]; if (box) { box.checked = false; } }); }
    if (f.labels) { this.setLabels(f.labels); }
    document.getElementById("chart-title").value = saved.title;
    this.markExpandable();
    this.applyFilters(false);
    this.cy.fit(this.shown(), 30);
    this.done();
  };

  // What the chart shows: items and links no filter, orphan rule or hiding took away.
  // (Cytoscape's ":visible" lags a class change until the next frame, so it is not used.)
  var GONE = ".filtered, .orphan, .user-hidden";
  Chart.prototype.shown = function () {
    var nodes = this.cy.nodes().not(GONE);
    var edges = this.cy.edges().not(GONE).filter(function (e) {
      return e.source().not(GONE).nonempty() && e.target().not(GONE).nonempty();
    });
    return nodes.union(edges);
  };

  Chart.prototype.done = function () {
    this.box.dataset.rendered = String(this.shown().nodes().length);
    this.box.dataset.expanded = String(this.cy.nodes(".expanded").length);
    this.box.dataset.state = "ready";
  };

  Chart.prototype.layout = function (randomize) {
    var cy = this.cy, self = this;
    var shown = this.shown();
    this.box.dataset.state = "busy";
    if (shown.nodes().length === 0) { this.done(); return; }
    var fixed = [];
    shown.nodes(".pinned").forEach(function (n) { fixed.push({ nodeId: n.id(), position: { x: n.position("x"), y: n.position("y") } }); });
    var options = {
      name: window.cytoscapeFcose ? "fcose" : "cose", quality: "proof", randomize: randomize && fixed.length === 0,
      animate: false, fit: true, padding: 30, nodeDimensionsIncludeLabels: true,
      idealEdgeLength: function (e) { return QUIET_LINKS[e.data("link_type")] ? 80 : 150; },
      nodeRepulsion: function () { return 9000; }, nodeSeparation: 90, gravity: 0.2,
      numIter: 4000, packComponents: true, tile: true,
      fixedNodeConstraint: fixed.length ? fixed : undefined
    };
    var run = shown.layout(options), started = performance.now();
    run.one("layoutstop", function () {
      var placed = performance.now();
      self.separate();
      self.box.dataset.separateMs = String(Math.round(performance.now() - placed));
      cy.fit(self.shown(), 30);
      self.box.dataset.layoutMs = String(Math.round(performance.now() - started));
      self.done();
    });
    run.run();
  };

  // fcose keeps nodes and their labels apart but does not promise it: a few passes push
  // apart any two items whose label boxes still touch, so no label covers another.
  Chart.prototype.separate = function () {
    var nodes = this.shown().nodes().toArray(), gap = 6;
    // Measured once: a label box moves with its item, so the passes are arithmetic and
    // the items are moved once, at the end.
    var boxes = nodes.map(function (n) { return n.boundingBox({ includeLabels: true, includeOverlays: false }); });
    var pinned = nodes.map(function (n) { return n.hasClass("pinned"); });
    var shift = nodes.map(function () { return { x: 0, y: 0 }; });
    var push = function (k, dx, dy) {
      var b = boxes[k];
      boxes[k] = { x1: b.x1 + dx, x2: b.x2 + dx, y1: b.y1 + dy, y2: b.y2 + dy };
      shift[k].x += dx; shift[k].y += dy;
    };
    for (var pass = 0; pass < 200; pass++) {
      var moved = false;
      for (var i = 0; i < nodes.length; i++) {
        for (var j = i + 1; j < nodes.length; j++) {
          var a = boxes[i], b = boxes[j];
          var dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + gap;
          var dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + gap;
          if (dx <= 0 || dy <= 0 || (pinned[i] && pinned[j])) { continue; }
          var sx = 0, sy = 0;
          if (dx < dy) { sx = (a.x1 + a.x2 < b.x1 + b.x2 ? -1 : 1) * dx; }
          else { sy = (a.y1 + a.y2 < b.y1 + b.y2 ? -1 : 1) * dy; }
          var shareI = pinned[j] ? 1 : (pinned[i] ? 0 : 0.5), shareJ = 1 - shareI;
          push(i, sx * shareI, sy * shareI);
          push(j, -sx * shareJ, -sy * shareJ);
          moved = true;
        }
      }
      if (!moved) { break; }
    }
    this.cy.batch(function () {
      nodes.forEach(function (n, k) { if (shift[k].x || shift[k].y) { n.shift(shift[k]); } });
    });
  };

  Chart.prototype.expand = function (node) {
    var self = this, id = node.id();
    if (node.hasClass("expanded")) { return Promise.resolve(); }
    this.box.dataset.state = "busy";
    var url = "/network/" + encodeURIComponent(this.networkId) + "/chart/expand?node=" + encodeURIComponent(id);
    return getJSON(url).then(function (data) {
      var start = node.position();
      var added = self.addElements(data.nodes, data.edges, id);
      var i = 0, fresh = added.nodes();
      fresh.forEach(function (n) {
        var angle = 2 * Math.PI * i / Math.max(fresh.length, 1); i++;
        n.position({ x: start.x + 90 * Math.cos(angle), y: start.y + 90 * Math.sin(angle) });
      });
      node.addClass("expanded");
      self.markExpandable();
      self.applyFilters(false);
      self.pinDuring(node, function () { self.layout(false); });
      self.say("Expanded " + node.data("label").split("\n")[0] + ": " + fresh.length + " items added.");
    }).catch(function (err) { self.say("Could not expand (" + err.message + ")."); self.done(); });
  };

  // The expanded item stays where the analyst is looking while the rest settles.
  Chart.prototype.pinDuring = function (node, run) {
    var was = node.hasClass("pinned");
    node.addClass("pinned");
    run();
    if (!was) { node.removeClass("pinned"); }
  };

  Chart.prototype.collapse = function (node) {
    var cy = this.cy, id = node.id();
    node.removeClass("expanded");
    var gone = 0;
    cy.nodes().forEach(function (n) {
      var via = n.data("via");
      if (!via || via.indexOf(id) < 0) { return; }
      via = via.filter(function (v) { return v !== id; });
      n.data("via", via);
      if (via.length === 0 && !n.data("core") && !n.hasClass("pinned") && !n.hasClass("expanded")) {
        n.remove(); gone++;
      }
    });
    this.markExpandable();
    this.applyFilters(true);
    this.say("Collapsed " + node.data("label").split("\n")[0] + ": " + gone + " items removed.");
  };

  Chart.prototype.buildFilters = function (data) {
    var self = this, box = document.getElementById("link-types");
    data.link_types.forEach(function (t) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox"; input.value = t; input.checked = true;
      input.addEventListener("change", function () { self.applyFilters(true); });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + t.replace(/_/g, " ")));
      box.appendChild(label);
      self.linkTypes[t] = input;
    });
    this.from = document.getElementById("time-from");
    this.to = document.getElementById("time-to");
    var fieldset = document.getElementById("time-filter");
    if (data.dates.length !== 2) { fieldset.hidden = true; this.from = this.to = null; return; }
    var lo = dayNumber(data.dates[0]), hi = dayNumber(data.dates[1]);
    [this.from, this.to].forEach(function (input) {
      input.min = String(lo); input.max = String(hi); input.step = "1";
      input.addEventListener("input", function () { self.showRange(); });
      input.addEventListener("change", function () { self.applyFilters(true); });
    });
    this.from.value = String(lo); this.to.value = String(hi);
    this.showRange();
  };

  Chart.prototype.range = function () {
    if (!this.from) { return null; }
    var a = Number(this.from.value), b = Number(this.to.value);
    return [Math.min(a, b), Math.max(a, b)];
  };

  Chart.prototype.showRange = function () {
    var r = this.range(), out = document.getElementById("time-range");
    if (r && out) { out.textContent = isoOf(r[0]) + " to " + isoOf(r[1]); }
  };

  // A link shows when its type is ticked and its dates (if it has any) meet the range;
  // an event shows when its date is in the range; then whatever has no link left
  // showing leaves the chart too (no orphans), and the rest is laid out again.
  Chart.prototype.applyFilters = function (relayout) {
    var cy = this.cy, self = this, r = this.range();
    this.showRange();
    var full = r && Number(this.from.min) === r[0] && Number(this.to.max) === r[1];
    cy.edges().forEach(function (e) {
      // A pair's link shows while any of its link types is ticked and in the range.
      var on = e.data("parts").some(function (p) {
        var box = self.linkTypes[p.link_type];
        if (box && !box.checked) { return false; }
        if (!r || full || !(p.first_date || p.last_date)) { return true; }
        var a = dayNumber(p.first_date || p.last_date), b = dayNumber(p.last_date || p.first_date);
        return b >= r[0] && a <= r[1];
      });
      e.toggleClass("filtered", !on);
    });
    cy.nodes().forEach(function (n) {
      var d = n.data("date");
      n.toggleClass("filtered", Boolean(r && !full && d && (dayNumber(d) < r[0] || dayNumber(d) > r[1])));
    });
    cy.nodes().removeClass("orphan");
    cy.nodes().forEach(function (n) {
      if (n.hasClass("filtered") || n.hasClass("user-hidden")) { return; }
      var live = n.connectedEdges().filter(function (e) {
        return !e.hasClass("filtered") && !e.hasClass("user-hidden") &&
          !e.connectedNodes().some(function (m) { return m.hasClass("filtered") || m.hasClass("user-hidden"); });
      });
      n.toggleClass("orphan", live.length === 0 && cy.edges().length > 0);
    });
    var hidden = cy.nodes(".filtered, .orphan").length;
    document.getElementById("filter-count").textContent = hidden ? hidden + " items out of the filter" : "";
    if (relayout) { this.layout(false); } else { this.done(); }
  };

  Chart.prototype.setLabels = function (mode) {
    this.labelMode = mode;
    this.cy.edges().toggleClass("labelled", mode === "all").toggleClass("auto", mode === "auto");
    var box = document.getElementById("link-labels");
    if (box) { box.value = mode; }
  };

  Chart.prototype.buildLegend = function (data) {
    var list = document.getElementById("legend-items");
    data.legend.forEach(function (item) {
      var li = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch " + "kind-" + item.kind;
      var img = document.createElement("img");
      img.src = icon(item.kind); img.alt = ""; img.width = 14; img.height = 14;
      swatch.appendChild(img);
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(" " + item.label));
      list.appendChild(li);
    });
  };

  Chart.prototype.selected = function () { return this.cy.$(":selected"); };

  Chart.prototype.showNote = function (el) {
    if (el.empty()) { return; }
    var note = this.notes[el.id()];
    el.toggleClass("noted", Boolean(note));
    if (el.isNode()) {
      el.data("display", note ? el.data("label") + " ✎" : el.data("label"));
    }
  };

  Chart.prototype.describe = function () {
    var sel = this.selected(), panel = document.getElementById("item-detail");
    var note = document.getElementById("item-note");
    panel.textContent = "";
    if (sel.length !== 1) {
      panel.textContent = sel.length ? sel.length + " items selected." : "Select an item to see it and add a note.";
      note.disabled = true; note.value = ""; return;
    }
    var el = sel[0], d = el.data(), lines = [];
    if (el.isNode()) {
      lines.push(d.label.replace("\n", " · "));
      lines.push((d.kind || "").replace("_", " ") + (d.role ? " · " + d.role.replace(/_/g, " ") : "") + (d.identified ? "" : " · pseudonymised"));
      if (d.date) { lines.push(d.date); }
      lines.push(el.connectedEdges().length + " of " + d.degree + " links shown" + (el.hasClass("expanded") ? " · expanded" : ""));
    } else {
      d.parts.forEach(function (p) {
        lines.push(p.link_type.replace(/_/g, " ") + " · strength " + p.strength + (p.first_date ? " · " + p.first_date + (p.last_date !== p.first_date ? " to " + p.last_date : "") : ""));
      });
      lines.push(d.first_date ? (d.first_date + (d.last_date && d.last_date !== d.first_date ? " to " + d.last_date : "")) : "no dates you may see");
      lines.push(d.grade === "police" ? "police-recorded evidence" : (d.grade === "partner" ? "partner-agency evidence only" : "evidence from records outside your access"));
    }
    lines.forEach(function (t) { var p = document.createElement("div"); p.textContent = t; panel.appendChild(p); });
    if (el.isNode() && d.identified && d.kind !== "event" && d.kind !== "place" && !/^(obj|loc):/.test(d.id)) {
      var a = document.createElement("a");
      a.href = "/person/" + encodeURIComponent(d.id); a.textContent = "Open person page";
      panel.appendChild(a);
    }
    note.disabled = false;
    note.value = this.notes[el.id()] || "";
  };

  Chart.prototype.bind = function () {
    var cy = this.cy, self = this;
    cy.on("dbltap", "node", function (evt) {
      var n = evt.target;
      if (n.hasClass("expanded")) { self.collapse(n); } else { self.expand(n); }
    });
    cy.on("select unselect", function () { self.describe(); });
    // Moved by hand: kept where the analyst put it when the chart is laid out again.
    cy.on("dragfree", "node", function (evt) { evt.target.addClass("pinned"); });
    var on = function (id, fn) { var b = document.getElementById(id); if (b) { b.addEventListener("click", fn); } };
    on("btn-expand", function () { self.selected().nodes().forEach(function (n) { self.expand(n); }); });
    on("btn-collapse", function () { self.selected().nodes().forEach(function (n) { self.collapse(n); }); });
    on("btn-pin", function () {
      var nodes = self.selected().nodes();
      var pin = nodes.some(function (n) { return !n.hasClass("pinned"); });
      nodes.toggleClass("pinned", pin);
      self.say((pin ? "Pinned " : "Unpinned ") + nodes.length + " items.");
    });
    on("btn-hide", function () {
      var sel = self.selected();
      sel.addClass("user-hidden").unselect();
      self.applyFilters(false);
      self.say("Hid " + sel.length + " items.");
    });
    on("btn-show", function () { cy.elements(".user-hidden").removeClass("user-hidden"); self.applyFilters(true); });
    on("btn-layout", function () { self.layout(false); });
    on("btn-fit", function () { cy.fit(self.shown(), 30); });
    on("btn-save", function () { self.save(); });
    on("btn-png", function () { self.exportImage("png"); });
    on("btn-svg", function () { self.exportImage("svg"); });
    on("btn-anx", function () { self.exportAnx(); });
    var labels = document.getElementById("link-labels");
    if (labels) { labels.addEventListener("change", function () { self.setLabels(labels.value); }); }
    cy.on("select unselect", "node", function () {
      cy.edges().removeClass("focus");
      cy.nodes(":selected").connectedEdges().addClass("focus");
    });
    // Delete hides the selection, as in i2; not while typing in a field.
    document.addEventListener("keydown", function (evt) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test((evt.target && evt.target.tagName) || "");
      if (!typing && (evt.key === "Delete" || evt.key === "Backspace") && self.selected().length) {
        evt.preventDefault();
        document.getElementById("btn-hide").click();
      }
    });
    var note = document.getElementById("item-note");
    note.addEventListener("input", function () {
      var sel = self.selected();
      if (sel.length !== 1) { return; }
      var id = sel[0].id();
      if (note.value.trim()) { self.notes[id] = note.value; } else { delete self.notes[id]; }
      self.showNote(sel[0]);
    });
    this.describe();
  };

  Chart.prototype.state = function () {
    var cy = this.cy, positions = {}, r = this.range(), off = [], self = this;
    cy.nodes().forEach(function (n) { positions[n.id()] = [Math.round(n.position("x") * 10) / 10, Math.round(n.position("y") * 10) / 10]; });
    Object.keys(this.linkTypes).forEach(function (t) { if (!self.linkTypes[t].checked) { off.push(t); } });
    var ids = function (sel) { return cy.elements(sel).map(function (e) { return e.id(); }); };
    return {
      title: document.getElementById("chart-title").value.trim() || "Chart of " + this.networkId,
      positions: positions,
      pinned: ids("node.pinned"),
      hidden: ids(".user-hidden"),
      expanded: ids("node.expanded"),
      filters: { from: r ? isoOf(r[0]) : null, to: r ? isoOf(r[1]) : null, off: off, labels: this.labelMode },
      notes: this.notes
    };
  };

  Chart.prototype.save = function () {
    var self = this;
    var url = this.chartId ? "/chart/" + encodeURIComponent(this.chartId) : "/network/" + encodeURIComponent(this.networkId) + "/charts";
    this.box.dataset.saved = "saving";
    return post(url, this.state()).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error(body.error || r.status); }
        self.chartId = body.chart_id;
        self.box.dataset.chart = body.chart_id;
        self.box.dataset.saved = body.chart_id;
        if (window.history && window.location.pathname !== body.url) { window.history.replaceState(null, "", body.url); }
        self.say("Saved as " + body.chart_id + ". It reopens at " + body.url + ".");
      });
    }).catch(function (err) { self.box.dataset.saved = "error"; self.say("Not saved: " + err.message); });
  };

  Chart.prototype.shownIds = function () {
    var cy = this.cy, positions = {};
    var shown = this.shown(), nodes = shown.nodes(), edges = shown.edges();
    nodes.forEach(function (n) { positions[n.id()] = [n.position("x"), n.position("y")]; });
    return { nodes: nodes.map(function (n) { return n.id(); }), edges: edges.map(function (e) { return e.id(); }), positions: positions };
  };

  Chart.prototype.exportUrl = function () { return "/network/" + encodeURIComponent(this.networkId) + "/chart/export"; };

  // The picture is drawn here from what the chart shows; the server logs the export first.
  Chart.prototype.exportImage = function (fmt) {
    var self = this, ids = this.shownIds(), cy = this.cy;
    var body = { format: fmt, nodes: ids.nodes, edges: ids.edges };
    return post(this.exportUrl(), body).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      var name = (self.chartId || self.networkId) + "-chart." + fmt;
      var blob;
      if (fmt === "png") {
        blob = cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" });
      } else {
        blob = new Blob([cy.svg({ full: true, scale: 1, bg: "#ffffff" })], { type: "image/svg+xml" });
      }
      self.box.dataset.exported = fmt + ":" + blob.size;
      download(blob, name);
      self.say("Exported " + fmt.toUpperCase() + " of " + ids.nodes.length + " items (logged).");
    }).catch(function (err) { self.say("Export failed (" + err.message + ")."); });
  };

  Chart.prototype.exportAnx = function () {
    var self = this, ids = this.shownIds();
    return post(this.exportUrl(), { format: "anx", nodes: ids.nodes, edges: ids.edges, positions: ids.positions })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.blob(); })
      .then(function (blob) {
        self.box.dataset.exported = "anx:" + blob.size;
        download(blob, (self.chartId || self.networkId) + "-chart.anx");
        self.say("Exported i2 ANX of " + ids.nodes.length + " items (logged).");
      }).catch(function (err) { self.say("Export failed (" + err.message + ")."); });
  };

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("chart");
    if (!box || !window.cytoscape) { return; }
    // Each extension registers itself when cytoscape is already loaded; else here.
    if (window.cytoscapeFcose && !window.cytoscape("layout", "fcose")) { window.cytoscape.use(window.cytoscapeFcose); }
    if (window.cytoscapeSvg && !window.cytoscape("core", "svg")) { window.cytoscape.use(window.cytoscapeSvg); }
    var chart = new Chart(box);
    window.csChartView = chart;
    chart.load();
  });
})();
