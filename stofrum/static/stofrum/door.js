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

  // Messages in sight: a region fixed at the bottom of the screen, read out by screen
  // readers, instead of a message at the top of a page the person has scrolled away from.
  function say(text, level) {
    var region = document.getElementById("door-feedback");
    if (!region || !text) return;
    var item = document.createElement("p");
    item.className = "feedback-item " + (level || "");
    item.textContent = text;
    region.appendChild(item);
    region.hidden = false;
    setTimeout(function () {
      item.remove();
      if (!region.children.length) region.hidden = true;
    }, level === "error" ? 12000 : 7000);
  }

  function setupBoard() {
    var wrap = document.querySelector("[data-board-url]");
    if (!wrap) return;
    var boardSite = wrap.dataset.boardSite;
    var pending = false;
    function moves(root) {
      return Array.prototype.map.call(root.querySelectorAll("[data-move]"), function (el) {
        return el.dataset.move;
      });
    }
    function show(html) {
      // Keep keyboard focus where it was if the focused element is outside the board.
      var active = document.activeElement;
      var inBoard = active && wrap.contains(active);
      var before = moves(wrap);
      wrap.innerHTML = html;
      // Who goes to which booth when the queue moves ("Kasper → I4"), said once.
      Array.prototype.forEach.call(wrap.querySelectorAll("[data-move]"), function (el) {
        if (before.indexOf(el.dataset.move) < 0) say(el.textContent.trim(), "move");
      });
      wrap.dispatchEvent(new CustomEvent("board:updated", { bubbles: true }));
      if (inBoard) wrap.focus();
    }
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
        if (html) show(html);
      }).catch(function () { pending = false; });
    }
    // Actions on the board (check out, ready, left the queue, ...) post in place: the
    // board is redrawn and the answer shown in sight. Anything that leads elsewhere (the
    // alarm opens the incident) navigates as without JavaScript.
    wrap.addEventListener("submit", function (e) {
      var form = e.target;
      if (!window.fetch || !window.DOMParser || form.method.toLowerCase() !== "post") return;
      e.preventDefault();
      var body = new FormData(form, e.submitter || null);
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) {
          var target = new URL(r.url, location.href);
          if (target.pathname !== location.pathname) { window.location.href = r.url; return; }
          return r.text().then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            Array.prototype.forEach.call(doc.querySelectorAll(".messages .message"), function (m) {
              say(m.textContent.trim(), m.classList.contains("error") ? "error" : "success");
            });
            var fresh = doc.querySelector("[data-board-url]");
            if (fresh) show(fresh.innerHTML); else refresh();
          });
        })
        .catch(function () {
          // Sent again without the script, as the same submission (the form's key makes
          // the server answer it once): the button pressed goes with it.
          if (e.submitter && e.submitter.name) {
            var pressed = document.createElement("input");
            pressed.type = "hidden";
            pressed.name = e.submitter.name;
            pressed.value = e.submitter.value;
            form.appendChild(pressed);
          }
          form.submit();
        });
    });
    if (window.StofrumLive) {
      window.StofrumLive.on("board", function (data) {
        if (!data.site || data.site === boardSite) refresh();
      });
      // After a (re)connection the board may have missed events: fetch it once.
      var connectedBefore = false;
      window.StofrumLive.on("hello", function () {
        wrap.dataset.live = "on";
        if (connectedBefore) refresh();
        connectedBefore = true;
      });
    }
    // Minutes on the tiles move on even when nothing happens.
    setInterval(refresh, 60000);
  }

  // With a person chosen, the check-in panel goes to the top of a tablet's screen, where it
  // stays (sticky) with its button in view while the board scrolls beside it.
  function showCheckIn() {
    var form = document.getElementById("check-in-form");
    if (!form || !window.matchMedia("(min-width: 50rem)").matches) return;
    form.closest(".door").scrollIntoView({ block: "start" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showCheckIn();
    setupSearch();
    setupBoard();
  });
})();
