// The door: search as you type with keyboard picking, and the live board.
// Everything here enhances pages that work without JavaScript.
(function () {
  "use strict";

  function setupSearch() {
    var form = document.querySelector("form.search[data-search-url]");
    if (!form) return;
    var input = form.querySelector("input[name=q]");
    var box = document.getElementById("search-results");
    var timer = null;
    var seq = 0;

    function options() { return Array.prototype.slice.call(box.querySelectorAll("[role=option]")); }
    function selectedIndex() {
      return options().findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    }
    function select(i) {
      var opts = options();
      if (!opts.length) return;
      i = (i + opts.length) % opts.length;
      opts.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[i].id);
      opts[i].scrollIntoView({ block: "nearest" });
    }
    function fetchResults() {
      var q = input.value.trim();
      var mine = ++seq;
      if (!q) { box.innerHTML = ""; return; }
      fetch(form.dataset.searchUrl + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
      }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        if (mine !== seq) return;  // a newer keystroke already asked again
        box.innerHTML = html;
        if (options().length) select(0);
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchResults, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); select(selectedIndex() + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(selectedIndex() - 1); }
      else if (e.key === "Enter") {
        var opts = options(), i = selectedIndex();
        if (opts.length && i >= 0) {
          e.preventDefault();
          opts[i].querySelector("a").click();
        }
      }
    });
  }

  function setupBoard() {
    var wrap = document.querySelector("[data-board-url]");
    if (!wrap || !window.EventSource) return;
    var pending = false;
    function refresh() {
      if (pending) return;
      pending = true;
      fetch(wrap.dataset.boardUrl, {
        credentials: "same-origin", headers: { "X-Stofrum-Passive": "1" }
      }).then(function (r) {
        if (r.redirected || r.status === 401 || r.status === 403) { window.location.reload(); return ""; }
        return r.ok ? r.text() : "";
      }).then(function (html) {
        pending = false;
        if (!html) return;
        // Keep keyboard focus where it was if the focused element is outside the board.
        var active = document.activeElement;
        var inBoard = active && wrap.contains(active);
        wrap.innerHTML = html;
        wrap.dispatchEvent(new CustomEvent("board:updated", { bubbles: true }));
        if (inBoard) wrap.focus();
      }).catch(function () { pending = false; });
    }
    var source = new EventSource(wrap.dataset.eventsUrl);
    source.addEventListener("board", refresh);
    // After a (re)connection the board may have missed events: fetch it once.
    var connectedBefore = false;
    source.addEventListener("hello", function () {
      wrap.dataset.live = "on";
      if (connectedBefore) refresh();
      connectedBefore = true;
    });
    // The server ends the stream when the session ended (logout, idle): show the login.
    source.addEventListener("goodbye", function () { source.close(); window.location.reload(); });
    source.onerror = function () { wrap.dataset.live = "reconnecting"; };
    // Minutes on the tiles move on even when nothing happens.
    setInterval(refresh, 60000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupSearch();
    setupBoard();
  });
})();
