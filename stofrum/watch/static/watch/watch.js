// Booth watch on the board (stofrum/watch): each occupied tile carries when its look-in is
// due and when it escalates (stofrum/watch/templates/watch/_tile.html). This script turns
// the tile to "Check now" on time, and raises a full-width banner (not the red overdose
// alarm) for an escalated booth with "Checked" and "Alarm" buttons, which press the tile's
// own buttons. The server's sweep announces the same (booth_overdue) and the board is
// fetched again; this script only keeps the page on time between fetches.
(function () {
  "use strict";
  if (window.StofrumWatch) return;  // loaded once per page; the board partial repeats it
  var skew = 0, known = {}, labels = null, audio = null, lastSound = 0;

  function tone(freq, start, length) {
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.type = "sine"; osc.frequency.value = freq; gain.gain.value = 0.2;
    osc.connect(gain); gain.connect(audio.destination);
    osc.start(audio.currentTime + start); osc.stop(audio.currentTime + start + length);
  }
  // Two soft falling tones: unlike the overdose alarm's harsh single beep.
  function chime() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      audio = audio || new Ctx();
      tone(660, 0, 0.25); tone(495, 0.3, 0.35);
      lastSound = Date.now();
    } catch (e) { /* no sound allowed: the tile and banner still show */ }
  }

  function readClock() {
    var el = document.querySelector("[data-watch-clock]");
    if (!el) return;
    labels = el.dataset;
    var server = new Date(el.dataset.watchClock).getTime();
    if (!isNaN(server)) skew = server - Date.now();
  }

  function zone() {
    var z = document.getElementById("watch-zone");
    if (z) return z;
    z = document.createElement("div");
    z.id = "watch-zone";
    var alarms = document.getElementById("alarm-zone");
    if (alarms) alarms.after(z);
    else document.body.insertBefore(z, document.getElementById("main"));
    return z;
  }

  function banner(tile, watch, now) {
    var booth = watch.dataset.watchBooth, id = "watch-banner-" + booth;
    var el = document.getElementById(id), isNew = !el;
    var minutes = Math.max(0, Math.floor((now - new Date(watch.dataset.watchSince).getTime()) / 60000));
    var text = labels.watchTitle + " · " + labels.watchBoothLabel + " " + booth + " · " +
      labels.watchSinceLabel + " " + minutes + " " + labels.watchMinutesLabel;
    if (isNew) {
      el = document.createElement("div");
      el.id = id; el.className = "watch-banner"; el.setAttribute("role", "alert");
      el.innerHTML = '<svg class="watch-icon" aria-hidden="true" viewBox="0 0 24 16" width="28" height="19">' +
        '<path d="M12 1C6 1 2 8 2 8s4 7 10 7 10-7 10-7-4-7-10-7z" fill="none" stroke="currentColor" stroke-width="2.2"/>' +
        '<circle cx="12" cy="8" r="3.2" fill="currentColor"/></svg><strong class="watch-title"></strong>';
      zone().appendChild(el);
    }
    el.querySelector(".watch-title").textContent = text;
    el.dataset.booth = booth;
    // The banner's buttons press the tile's own: one way to record, the board redraws.
    [["watch-check", labels.watchCheckLabel, ".watch-check"],
     ["watch-alarm", labels.watchAlarmLabel, ".alarm-button"]].forEach(function (b) {
      var target = tile.querySelector(b[2]), mine = el.querySelector("." + b[0]);
      if (!target) { if (mine) mine.remove(); return; }
      if (!mine) {
        mine = document.createElement("button");
        mine.type = "button"; mine.className = b[0]; mine.textContent = b[1];
        mine.addEventListener("click", function () {
          var now = document.querySelector('.booth[data-booth="' + el.dataset.booth + '"] ' + b[2]);
          if (now && now.form) now.form.requestSubmit(now);
        });
        el.appendChild(mine);
      }
    });
    return isNew;
  }

  function tick() {
    if (!labels) return;
    var now = Date.now() + skew, shown = {}, sound = false;
    Array.prototype.forEach.call(document.querySelectorAll(".booth [data-watch-due]"), function (watch) {
      var tile = watch.closest(".booth"), booth = watch.dataset.watchBooth;
      var alarm = tile.classList.contains("alarm-running");
      var overdue = !alarm && now >= new Date(watch.dataset.watchDue).getTime();
      var escalated = !alarm && now >= new Date(watch.dataset.watchEscalate).getTime();
      tile.classList.toggle("watch-overdue", overdue && !escalated);
      tile.classList.toggle("watch-escalated", escalated);
      var badge = watch.querySelector(".watch-now");
      if (badge) badge.hidden = !overdue;
      var key = booth + "@" + watch.dataset.watchSince, state = escalated ? 2 : overdue ? 1 : 0;
      if (state > (known[key] || 0)) sound = true;
      known[key] = state;
      if (escalated) { banner(tile, watch, now); shown[booth] = true; }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".watch-banner"), function (el) {
      if (!shown[el.dataset.booth]) el.remove();
    });
    // Sound when a booth turns; again every 20 s while a banner stands.
    if (sound || (Object.keys(shown).length && Date.now() - lastSound > 20000)) chime();
  }

  window.StofrumWatch = { tick: tick };
  document.addEventListener("DOMContentLoaded", function () {
    readClock();
    // The first look at the page is not news: only a change later sounds.
    Array.prototype.forEach.call(document.querySelectorAll(".booth [data-watch-due]"), function (w) {
      var now = Date.now() + skew;
      known[w.dataset.watchBooth + "@" + w.dataset.watchSince] =
        now >= new Date(w.dataset.watchEscalate).getTime() ? 2 :
        now >= new Date(w.dataset.watchDue).getTime() ? 1 : 0;
    });
    tick();
    document.addEventListener("board:updated", function () { readClock(); tick(); });
    setInterval(tick, 1000);
  });
})();
