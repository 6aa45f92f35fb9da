/* leaktop incident report: optional zoom and search for the flame graphs,
   embedded at build time (build-aux/embed-text.sh) and allowed by its hash
   in the page's Content-Security-Policy. The page reads the same without
   it: every frame has its title, every graph its summary. Click a frame to
   zoom to it, "Reset zoom" to go back; the search box marks the frames
   whose name holds the text and says their share of the samples. */
(function () {
  "use strict";
  /* Boxes are written to 0.1 unit: edges within EPS are the same. */
  var WIDTH = 1000, CHAR = 6.6, EPS = 0.11;
  function name(g) {
    var t = g.querySelector("title").textContent;
    return t.slice(0, t.lastIndexOf(" ("));
  }
  function label(g, w) {
    var text = g.querySelector("text"), n = g.fullName, chars = Math.floor((w - 6) / CHAR);
    if (!text) {
      text = document.createElementNS(g.namespaceURI, "text");
      text.setAttribute("y", g.rect.getAttribute("y") * 1 + 12);
      g.appendChild(text);
    }
    text.textContent = chars < 3 ? "" : n.length > chars ? n.slice(0, chars - 2) + ".." : n;
  }
  function place(frames, x0, w0, d0) {
    frames.forEach(function (g) {
      var x = g.x, w = g.w, inside = x + w > x0 + EPS && x < x0 + w0 - EPS;
      g.style.display = inside ? "" : "none";
      if (!inside) return;
      if (g.depth < d0) { x = 0; w = WIDTH; } else { x = (x - x0) * WIDTH / w0; w = w * WIDTH / w0; }
      g.rect.setAttribute("x", x.toFixed(1));
      g.rect.setAttribute("width", w.toFixed(1));
      label(g, w);
      g.querySelector("text").setAttribute("x", (x + 3).toFixed(1));
    });
  }
  function tools(svg, frames) {
    var bar = document.createElement("div"), reset = document.createElement("button"),
        search = document.createElement("input"), said = document.createElement("span");
    bar.className = "flame-tools";
    reset.type = "button";
    reset.textContent = "Reset zoom";
    search.type = "search";
    search.placeholder = "Search frames";
    search.setAttribute("aria-label", "Search the frames of " + svg.querySelector("title").textContent);
    reset.addEventListener("click", function () { place(frames, 0, WIDTH, 0); });
    search.addEventListener("input", function () {
      var q = search.value.toLowerCase(), total = frames[0].w, hit = 0, covered = -1;
      frames.forEach(function (g) {
        var m = q !== "" && g.fullName.toLowerCase().indexOf(q) >= 0;
        g.classList.toggle("match", m);
        /* Frames are drawn callers first: a match inside one counted is not counted again. */
        if (m && g.x >= covered - EPS) { hit += g.w; covered = g.x + g.w; }
      });
      said.textContent = q === "" ? "" : (100 * hit / total).toFixed(1) + "% of the samples match";
    });
    bar.appendChild(reset);
    bar.appendChild(search);
    bar.appendChild(said);
    svg.parentNode.insertBefore(bar, svg);
  }
  Array.prototype.forEach.call(document.querySelectorAll("svg.flame"), function (svg) {
    var frames = Array.prototype.slice.call(svg.querySelectorAll("g.fr"));
    if (!frames.length) return;
    frames.forEach(function (g) {
      g.rect = g.querySelector("rect");
      g.x = g.rect.getAttribute("x") * 1;
      g.w = g.rect.getAttribute("width") * 1;
      g.depth = g.getAttribute("data-d") * 1;
      g.fullName = name(g);
      g.addEventListener("click", function () { place(frames, g.x, g.w, g.depth); });
    });
    tools(svg, frames);
  });
})();
