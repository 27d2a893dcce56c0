// Drug alerts (stofrum/alerts). At the door: the alert in force for a substance the person
// names (ticked in the check-in form) shows beside the form, so staff warn them on the
// spot. On the home page and the alerts page: the banner is redrawn on a `drug_alert`
// event. Banners whose end has passed go away by themselves.
(function () {
  "use strict";

  function expired(el) {
    var ends = el.dataset.drugAlertEnds;
    return ends && new Date(ends).getTime() <= Date.now();
  }

  function setupBanner() {
    var box = document.getElementById("drug-alerts");
    if (!box || !box.dataset.alertsUrl || !window.fetch) return;
    var timer = null;
    function refresh() {
      if (timer) return;
      // An alert arrives once per site the page follows: one redraw for all of them.
      timer = setTimeout(function () {
        timer = null;
        fetch(box.dataset.alertsUrl, {
          credentials: "same-origin", headers: { "X-Stofrum-Passive": "1" }
        }).then(function (r) {
          return r.ok && !r.redirected ? r.text() : null;
        }).then(function (html) {
          if (html !== null) box.innerHTML = html;
        }).catch(function () { /* the next event or a reload shows it */ });
      }, 250);
    }
    if (window.StofrumLive) window.StofrumLive.on("drug_alert", refresh);
    setInterval(function () {
      Array.prototype.forEach.call(box.querySelectorAll("[data-drug-alert]"), function (el) {
        if (expired(el)) el.remove();
      });
    }, 30000);
  }

  function setupDoor() {
    var form = document.getElementById("check-in-form");
    var board = document.getElementById("board");
    if (!form || !board) return;
    var hint = document.createElement("div");
    hint.id = "drug-alert-hint";
    hint.className = "drug-alert-hint";
    hint.setAttribute("role", "status");
    hint.hidden = true;
    var substances = form.querySelector("fieldset");
    substances.parentNode.insertBefore(hint, substances.nextSibling);
    function update() {
      var ticked = {};
      Array.prototype.forEach.call(form.querySelectorAll('input[name="substances"]:checked'),
        function (input) { ticked[input.value] = true; });
      var lines = [];
      Array.prototype.forEach.call(board.querySelectorAll("[data-drug-alert-substance]"), function (el) {
        if (ticked[el.dataset.drugAlertSubstance] && !expired(el)) lines.push(el.dataset.drugAlertWarning);
      });
      hint.textContent = "";
      lines.forEach(function (text) {
        var p = document.createElement("p");
        p.textContent = text;
        hint.appendChild(p);
      });
      hint.hidden = !lines.length;
    }
    form.addEventListener("change", update);
    document.addEventListener("board:updated", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupBanner();
    setupDoor();
  });
})();
