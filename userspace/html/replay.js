// SPDX-License-Identifier: GPL-2.0
// edualloc replay --html: the page's code. The data (the trace as the
// engine ran it: every operation's result, its decisions, the pages each
// one changed, the figures after it) is in <script id="edualloc-data">.
// The state at a step is rebuilt from the deltas, forwards or backwards,
// and the summary (#summary, its data-* attributes) is computed from that
// state, not copied from the figures: the browser test compares it with
// `edualloc replay --json --steps N`.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("edualloc-data").textContent);
  var N = D.ops.length, P = D.pages_total, PAGE = D.page_size;
  var LARGE = 16;
  // Op fields: [kind, trace id, size, new id, class, offset, class size, freed id, ev start, ev count, err]
  var K = 0, T = 1, S = 2, ID = 3, CL = 4, OFF = 5, CS = 6, FREED = 7, EVS = 8, EVN = 9, ERR = 10;

  // ---- state at the current step ------------------------------------------
  var kind = new Uint8Array(P), cls = new Uint8Array(P), used = new Uint16Array(P), total = new Uint16Array(P);
  var ho = new Uint8Array(P);   // head | order << 1, for free blocks
  for (var i = 0; i < P; i++) {
    var q = D.init.slice(i * 5, i * 5 + 5);
    kind[i] = q[0] & 3; ho[i] = q[0] >> 2; cls[i] = q[1]; used[i] = q[2]; total[i] = q[3];
  }
  var live = new Map();         // id -> {id, off, size, cls, cs, step}
  var step = 0, usedPages = 0;
  for (i = 0; i < P; i++) if (kind[i] !== 0) usedPages++;
  var liveBytes = 0, liveAlloc = 0, largeCount = 0, largeBytes = 0;
  // freed allocations, for stepping back: step -> record
  var freedAt = new Map();

  function addLive(a) {
    live.set(a.id, a); liveBytes += a.size; liveAlloc += a.cs;
    if (a.cls === LARGE) { largeCount++; largeBytes += a.cs; }
  }
  function dropLive(id) {
    var a = live.get(id);
    if (!a) return null;
    live.delete(id); liveBytes -= a.size; liveAlloc -= a.cs;
    if (a.cls === LARGE) { largeCount--; largeBytes -= a.cs; }
    return a;
  }
  function setPage(p, k, c, u, t) {
    var was = kind[p] !== 0;
    kind[p] = k & 3; ho[p] = k >> 2; cls[p] = c; used[p] = u; total[p] = t;
    usedPages += (kind[p] !== 0 ? 1 : 0) - (was ? 1 : 0);
  }
  // Apply op n (0-based), going from step n to n + 1.
  function forward(n) {
    var o = D.ops[n];
    if (o[FREED] > 0) freedAt.set(n, dropLive(o[FREED]));
    if (o[ID] > 0) addLive({ id: o[ID], off: o[OFF], size: o[S], cls: o[CL], cs: o[CS], step: n + 1, t: o[T] });
    for (var j = D.pdx[n]; j < D.pdx[n + 1]; j += 9)
      setPage(D.pd[j], D.pd[j + 1], D.pd[j + 2], D.pd[j + 3], D.pd[j + 4]);
  }
  // Undo op n, going from step n + 1 to n.
  function backward(n) {
    var o = D.ops[n];
    if (o[ID] > 0) dropLive(o[ID]);
    if (o[FREED] > 0 && freedAt.get(n)) addLive(freedAt.get(n));
    for (var j = D.pdx[n + 1] - 9; j >= D.pdx[n]; j -= 9)
      setPage(D.pd[j], D.pd[j + 5], D.pd[j + 6], D.pd[j + 7], D.pd[j + 8]);
  }
  function seek(s) {
    s = Math.max(0, Math.min(N, s | 0));
    while (step < s) forward(step++);
    while (step > s) backward(--step);
    render();
  }

  // ---- words ----------------------------------------------------------------
  function human(b) {
    if (b >= 1048576) return (b / 1048576).toFixed(b % 1048576 ? 1 : 0) + " MiB";
    if (b >= 1024) return (b / 1024).toFixed(b % 1024 ? 1 : 0) + " KiB";
    return b + " B";
  }
  function className(c) { return c >= LARGE ? "large" : human(8 << c); }
  function hex(n) { return "0x" + n.toString(16); }
  function opText(n) {
    var o = D.ops[n], s = "#" + (n + 1) + "  ";
    if (o[K] === "a") s += "a " + o[T] + " " + o[S];
    else if (o[K] === "r") s += "r " + o[T] + " " + o[S];
    else s += "f " + o[T];
    if (o[ERR]) return s + "  \u2192 fails: " + o[ERR];
    if (o[ID] > 0) s += "  \u2192 ID " + o[ID] + ", " + className(o[CL]) + (o[CL] >= LARGE ? "" : " slot") + " at " + hex(o[OFF]);
    else if (o[K] !== "f" && !o[S] && !o[FREED]) s += "  \u2192 0 bytes: nothing allocated";
    if (o[FREED] > 0) s += (o[ID] > 0 ? "; " : "  \u2192 ") + "ID " + o[FREED] + " freed";
    return s;
  }

  // ---- colours ----------------------------------------------------------------
  var hues = [];
  for (i = 0; i < 17; i++) hues.push(i === LARGE ? "hsl(0,0%,35%)" : "hsl(" + ((i * 360 / 16 + 200) % 360) + ",65%,52%)");
  function light(c) { return c === LARGE ? "hsl(0,0%,85%)" : "hsl(" + ((c * 360 / 16 + 200) % 360) + ",55%,86%)"; }

  // ---- the map ------------------------------------------------------------------
  var map = document.getElementById("map"), mctx = map.getContext("2d");
  var COLS = P <= 256 ? 32 : 64, CELL = P <= 1024 ? 12 : P <= 4096 ? 8 : 4;
  var ROWS = Math.ceil(P / COLS);
  map.width = COLS * CELL; map.height = ROWS * CELL;
  var selected = -1;
  function drawMap() {
    mctx.fillStyle = "#fff"; mctx.fillRect(0, 0, map.width, map.height);
    var cur = step > 0 ? D.ops[step - 1] : null, touched = {};
    if (cur) for (var j = D.pdx[step - 1]; j < D.pdx[step]; j += 9) touched[D.pd[j]] = 1;
    for (var p = 0; p < P; p++) {
      var x = (p % COLS) * CELL, y = ((p / COLS) | 0) * CELL, w = CELL - (CELL > 4 ? 1 : 0);
      if (kind[p] === 0) {
        mctx.fillStyle = "#e8e8e3"; mctx.fillRect(x, y, w, w);
        if (ho[p] & 1 && CELL > 4) { mctx.fillStyle = "#b9b9b2"; mctx.fillRect(x, y, 2, w); }
        continue;
      }
      var c = cls[p];
      if (kind[p] === 1) {   // a slab: light for its size, dark for the part in use
        mctx.fillStyle = light(c); mctx.fillRect(x, y, w, w);
        var h = total[p] ? Math.ceil(w * used[p] / total[p]) : 0;
        mctx.fillStyle = hues[c]; mctx.fillRect(x, y + w - h, w, h);
      } else {               // a block (class of a page or more)
        mctx.fillStyle = hues[c]; mctx.fillRect(x, y, w, w);
        if (kind[p] === 2 && CELL > 4) { mctx.fillStyle = "rgba(0,0,0,.35)"; mctx.fillRect(x, y, 2, w); }
      }
    }
    if (cur) {
      mctx.strokeStyle = "#ff2d55"; mctx.lineWidth = CELL > 4 ? 2 : 1;
      for (var t in touched) { var pp = +t; mctx.strokeRect((pp % COLS) * CELL + 1, ((pp / COLS) | 0) * CELL + 1, CELL - 2, CELL - 2); }
      if (cur[ID] > 0 && cur[CL] < LARGE) {
        var first = Math.floor(cur[OFF] / PAGE);
        mctx.strokeStyle = "#000"; mctx.lineWidth = 1;
        mctx.strokeRect((first % COLS) * CELL + .5, ((first / COLS) | 0) * CELL + .5, CELL - 1, CELL - 1);
      }
    }
    if (selected >= 0) {
      mctx.strokeStyle = "#000"; mctx.lineWidth = 2;
      mctx.strokeRect((selected % COLS) * CELL + 1, ((selected / COLS) | 0) * CELL + 1, CELL - 2, CELL - 2);
    }
  }
  function pageAt(ev) {
    var r = map.getBoundingClientRect();
    var x = Math.floor((ev.clientX - r.left) * map.width / r.width / CELL);
    var y = Math.floor((ev.clientY - r.top) * map.height / r.height / CELL);
    var p = y * COLS + x;
    return x >= 0 && x < COLS && p >= 0 && p < P ? p : -1;
  }
  function allocsIn(lo, hi) {
    var out = [];
    live.forEach(function (a) { if (a.cls < LARGE && a.off < hi && a.off + a.cs > lo) out.push(a); });
    out.sort(function (x, y) { return x.off - y.off; });
    return out;
  }
  function describe(a) {
    return "  ID " + a.id + "  " + a.size + " B in " + className(a.cls) + (a.cls >= LARGE ? "" : " slot") +
      "  at " + hex(a.off) + "  (trace ID " + a.t + ", step " + a.step + ")";
  }
  function showPage(p) {
    var el = document.getElementById("details");
    if (p < 0) { el.textContent = "Point at a page (or click it to keep it) to see the allocations in it."; return; }
    var lo = p * PAGE, s = "page " + p + "  offsets " + hex(lo) + " .. " + hex(lo + PAGE - 1) + "\n";
    if (kind[p] === 0) s += "free" + (ho[p] & 1 ? ": the first page of a free block of " + human(PAGE << (ho[p] >> 1)) : "") + "\n";
    else if (kind[p] === 1) s += "slab of class " + className(cls[p]) + ": " + used[p] + " of " + total[p] + " slots in use\n";
    else s += "block of class " + className(cls[p]) + (kind[p] === 3 ? " (a further page of it)" : "") + "\n";
    var list = allocsIn(lo, lo + PAGE);
    s += list.length ? list.length + " allocation" + (list.length > 1 ? "s" : "") + ":\n" : "";
    for (var j = 0; j < list.length && j < 40; j++) s += describe(list[j]) + "\n";
    if (list.length > 40) s += "  ... and " + (list.length - 40) + " more\n";
    el.textContent = s;
  }
  map.addEventListener("mousemove", function (ev) { if (selected < 0) showPage(pageAt(ev)); });
  map.addEventListener("mouseleave", function () { if (selected < 0) showPage(-1); });
  map.addEventListener("click", function (ev) {
    var p = pageAt(ev); selected = selected === p ? -1 : p; showPage(p); drawMap();
  });

  // ---- the large allocations ----------------------------------------------------
  function drawLarge() {
    var el = document.getElementById("large"), list = [];
    live.forEach(function (a) { if (a.cls >= LARGE) list.push(a); });
    list.sort(function (x, y) { return x.id - y.id; });
    var max = 1; list.forEach(function (a) { max = Math.max(max, a.cs); });
    var html = "<b>large allocations</b> (pages of their own, outside the arena): " + list.length + "<br>";
    for (var j = 0; j < list.length && j < 60; j++) {
      var a = list[j];
      html += "ID " + a.id + ": " + human(a.size) + " (" + human(a.cs) + " reserved)" +
        '<div class="bar" title="' + describe(a).trim() + '" style="width:' + Math.max(4, 100 * a.cs / max) + "%;background:" + hues[LARGE] + '"></div>';
    }
    if (list.length > 60) html += "... and " + (list.length - 60) + " more";
    el.innerHTML = html;
  }

  // ---- the summary (what the browser test reads) ----------------------------------
  function summary() {
    var el = document.getElementById("summary");
    var usedBytes = usedPages * PAGE + largeBytes;
    var util = usedBytes ? 100 * liveBytes / usedBytes : 0;
    var ifrag = liveAlloc ? Math.floor(100 * (liveAlloc - liveBytes) / liveAlloc) : 0;
    var fields = {
      "step": step, "pages-total": P, "pages-used": usedPages, "pages-free": P - usedPages,
      "live-allocs": live.size, "live-bytes": liveBytes, "live-allocated": liveAlloc,
      "large-count": largeCount, "large-bytes": largeBytes, "used-bytes": usedBytes
    };
    for (var f in fields) el.setAttribute("data-" + f, String(fields[f]));
    var rows = [
      ["live payload", human(liveBytes) + " in " + live.size + " allocation" + (live.size === 1 ? "" : "s")],
      ["reserved for it", human(liveAlloc) + " (internal fragmentation " + ifrag + "%)"],
      ["arena pages", usedPages + " used, " + (P - usedPages) + " free of " + P],
      ["large allocations", largeCount + ", " + human(largeBytes)],
      ["footprint", human(usedBytes) + " (utilization " + util.toFixed(1) + "%)"],
      ["external fragmentation", D.cv.efrag[step] + "%"]
    ];
    var h = '<div class="op">' + (step ? esc(opText(step - 1)) : "step 0: the empty instance") + "</div>";
    rows.forEach(function (r) { h += '<span class="k">' + r[0] + "</span><span>" + r[1] + "</span>"; });
    el.innerHTML = h;
  }
  function esc(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;"); }

  // ---- curves ------------------------------------------------------------------------
  var curves = document.getElementById("curves"), cctx = curves.getContext("2d");
  var series = [
    { name: "live payload", data: D.cv.live, color: "#0a84ff", max: 0 },
    { name: "pages in use", data: D.cv.pages, color: "#30b158", max: 0 },
    { name: "utilization %", data: D.cv.util, color: "#ff9f0a", max: 100 },
    { name: "internal frag. %", data: D.cv.ifrag, color: "#bf5af2", max: 100 },
    { name: "external frag. %", data: D.cv.efrag, color: "#ff375f", max: 100 }
  ];
  series.forEach(function (s) { if (!s.max) { s.max = 1; for (var j = 0; j < s.data.length; j++) s.max = Math.max(s.max, s.data[j]); } });
  var legend = document.getElementById("curvelegend");
  legend.innerHTML = series.map(function (s) {
    return '<span><i style="background:' + s.color + '"></i>' + s.name + (s.max > 100 || s.name === "live payload" ? " (max " + (s.name === "live payload" ? human(s.max) : s.max) + ")" : "") + "</span>";
  }).join("");
  var curveImage = null;
  function drawCurvesBase() {
    var w = curves.clientWidth || 600, h = curves.clientHeight || 180;
    curves.width = w; curves.height = h;
    cctx.fillStyle = "#fff"; cctx.fillRect(0, 0, w, h);
    cctx.strokeStyle = "#eee"; cctx.lineWidth = 1;
    for (var g = 0; g <= 4; g++) { var y = 4 + (h - 8) * g / 4; cctx.beginPath(); cctx.moveTo(0, y); cctx.lineTo(w, y); cctx.stroke(); }
    series.forEach(function (s) {
      cctx.strokeStyle = s.color; cctx.lineWidth = 1.5; cctx.beginPath();
      var n = s.data.length, stride = Math.max(1, Math.floor(n / (w * 2)));
      for (var j = 0; j < n; j += stride) {
        var x = n > 1 ? j * (w - 1) / (n - 1) : 0, y = h - 4 - (h - 8) * s.data[j] / s.max;
        if (j === 0) cctx.moveTo(x, y); else cctx.lineTo(x, y);
      }
      cctx.stroke();
    });
    curveImage = cctx.getImageData(0, 0, w, h);
  }
  function drawCurves() {
    if (!curveImage || curveImage.width !== (curves.clientWidth || 600)) drawCurvesBase();
    cctx.putImageData(curveImage, 0, 0);
    var x = N ? step * (curves.width - 1) / N : 0;
    cctx.strokeStyle = "#000"; cctx.lineWidth = 1; cctx.beginPath(); cctx.moveTo(x + .5, 0); cctx.lineTo(x + .5, curves.height); cctx.stroke();
  }
  curves.addEventListener("click", function (ev) {
    var r = curves.getBoundingClientRect();
    seek(Math.round((ev.clientX - r.left) / r.width * N));
  });
  window.addEventListener("resize", function () { curveImage = null; drawCurves(); });

  // ---- the operation list (a window around the step) --------------------------------------
  var opsEl = document.getElementById("ops");
  function drawOps() {
    var lo = Math.max(0, step - 40), hi = Math.min(N, step + 60), h = "";
    if (lo > 0) h += '<div class="ev">... ' + lo + " earlier operations</div>";
    for (var n = lo; n < hi; n++) {
      var o = D.ops[n], c = n === step - 1 ? "op cur" : n >= step ? "op future" : "op";
      h += '<div class="' + c + '" data-step="' + (n + 1) + '">' + esc(opText(n)) + (o[ERR] ? ' <span class="err">(' + esc(o[ERR]) + ")</span>" : "");
      for (var e = o[EVS]; e < o[EVS] + o[EVN]; e++) h += '<div class="ev">' + esc(D.ev[e]) + "</div>";
      h += "</div>";
    }
    if (hi < N) h += '<div class="ev">... ' + (N - hi) + " more operations</div>";
    opsEl.innerHTML = h;
    var cur = opsEl.querySelector(".cur");
    if (cur) opsEl.scrollTop = cur.offsetTop - opsEl.offsetTop - opsEl.clientHeight / 3;
    else opsEl.scrollTop = 0;
  }
  opsEl.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target.closest("[data-step]") : null;
    if (t) seek(+t.getAttribute("data-step"));
  });

  // ---- controls ----------------------------------------------------------------------------
  var slider = document.getElementById("slider"), label = document.getElementById("steplabel");
  slider.max = N;
  slider.addEventListener("input", function () { seek(+slider.value); });
  var timer = null, playBtn = document.getElementById("play");
  function play(on) {
    if (on && !timer) {
      if (step >= N) seek(0);
      var per = Math.max(1, Math.round(N / 600));
      timer = setInterval(function () { if (step >= N) play(false); else seek(step + per); }, 50);
    } else if (!on && timer) { clearInterval(timer); timer = null; }
    playBtn.textContent = timer ? "\u275a\u275a" : "\u25b6";
  }
  playBtn.addEventListener("click", function () { play(!timer); });
  document.getElementById("first").addEventListener("click", function () { seek(0); });
  document.getElementById("back").addEventListener("click", function () { seek(step - 1); });
  document.getElementById("next").addEventListener("click", function () { seek(step + 1); });
  document.getElementById("last").addEventListener("click", function () { seek(N); });
  document.addEventListener("keydown", function (ev) {
    if (ev.target && ev.target.tagName === "INPUT" && ev.target !== slider) return;
    var big = Math.max(10, Math.round(N / 20)), k = ev.key;
    if (k === "ArrowRight") seek(step + (ev.shiftKey ? big : 1));
    else if (k === "ArrowLeft") seek(step - (ev.shiftKey ? big : 1));
    else if (k === "PageDown") seek(step + big);
    else if (k === "PageUp") seek(step - big);
    else if (k === "Home") seek(0);
    else if (k === "End") seek(N);
    else if (k === " ") play(!timer);
    else return;
    ev.preventDefault();
  });

  function render() {
    slider.value = step;
    label.textContent = "step " + step + " / " + N;
    drawMap(); drawLarge(); summary(); drawCurves(); drawOps();
    if (selected >= 0) showPage(selected);
  }

  // The legend of the map.
  var lg = '<span><i style="background:#e8e8e3"></i>free</span>';
  for (var c = 0; c < 16; c++) lg += '<span><i style="background:' + hues[c] + '"></i>' + className(c) + "</span>";
  lg += "<span>slab: dark part = slots in use</span>";
  document.getElementById("legend").innerHTML = lg;
  showPage(-1);
  // For tests and the curious: window.edualloc.seek(n), .state(), .inUse()
  // (the pages in use at this step).
  window.edualloc = {
    seek: seek, steps: N,
    state: function () { return { step: step, pagesUsed: usedPages, liveBytes: liveBytes, liveAllocs: live.size }; },
    inUse: function () { var u = []; for (var p = 0; p < P; p++) if (kind[p] !== 0) u.push(p); return u; }
  };
  seek(D.start || 0);
  document.body.setAttribute("data-ready", "1");
})();
