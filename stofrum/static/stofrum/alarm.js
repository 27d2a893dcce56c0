// The alarm on every staff page: a full-width banner per open incident at the sites where
// this person responds, with a running clock, who is on it, and a sound where allowed.
(function () {
  "use strict";
  var ZERO = "00000000-0000-0000-0000-000000000000";
  var zone, labels, incidents = {};

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function clock(since) {
    var s = Math.max(0, Math.floor((Date.now() - new Date(since).getTime()) / 1000));
    var m = Math.floor(s / 60);
    return (m < 10 ? "0" : "") + m + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }
  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = "square"; osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.6);
    } catch (e) { /* the browser did not allow sound: the banner still shows */ }
  }
  function render(stream, data) {
    var id = data.incident, el = document.getElementById("alarm-" + id);
    var isNew = !el;
    if (isNew) {
      el = document.createElement("div");
      el.id = "alarm-" + id;
      el.className = "alarm-banner";
      el.setAttribute("role", "alert");
      zone.appendChild(el);
    }
    el.dataset.since = data.started_at;
    var url = stream.incident.replace(ZERO, id);
    el.innerHTML = "";
    var title = document.createElement("strong");
    title.className = "alarm-title";
    title.textContent = labels.title + " · " + stream.name +
      (data.booth ? " · " + labels.booth + " " + data.booth : "") +
      (data.person_code ? " · " + data.person_code : "");
    var time = document.createElement("span");
    time.className = "alarm-clock";
    time.textContent = clock(data.started_at);
    var who = document.createElement("span");
    who.className = "alarm-who";
    who.textContent = data.responders && data.responders.length ?
      labels.responding + ": " + data.responders.join(", ") : "";
    var ack = document.createElement("button");
    ack.type = "button"; ack.className = "alarm-ack"; ack.textContent = labels.ack;
    ack.addEventListener("click", function () {
      var body = new URLSearchParams({ action: "acknowledge" });
      fetch(url, { method: "POST", credentials: "same-origin", body: body,
                   headers: { "X-CSRFToken": csrf() } });
    });
    var open = document.createElement("a");
    open.href = url; open.className = "alarm-open"; open.textContent = labels.open;
    el.append(title, time, who, ack, open);
    incidents[id] = data;
    if (isNew) beep();
  }
  function remove(id) {
    var el = document.getElementById("alarm-" + id);
    if (el) el.remove();
    delete incidents[id];
  }
  function load(stream) {
    fetch(stream.alarms, { credentials: "same-origin", headers: { "X-Stofrum-Passive": "1" } })
      .then(function (r) { return r.ok ? r.json() : { incidents: [] }; })
      .then(function (body) {
        var open = {};
        body.incidents.forEach(function (i) { open[i.incident] = true; render(stream, i); });
        Object.keys(incidents).forEach(function (id) {
          if (!open[id] && document.getElementById("alarm-" + id).dataset.site === stream.site) remove(id);
        });
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    zone = document.getElementById("alarm-zone");
    var config = document.getElementById("alarm-streams");
    if (!zone || !config || !window.EventSource) return;
    labels = { ack: zone.dataset.ackLabel, open: zone.dataset.openLabel, booth: zone.dataset.boothLabel,
               title: zone.dataset.title, responding: zone.dataset.respondingLabel };
    JSON.parse(config.textContent).forEach(function (stream) {
      var source = new EventSource(stream.events);
      source.addEventListener("hello", function () { load(stream); });
      source.addEventListener("alarm", function (e) {
        var data = JSON.parse(e.data);
        render(stream, data);
        document.getElementById("alarm-" + data.incident).dataset.site = stream.site;
      });
      source.addEventListener("alarm_closed", function (e) { remove(JSON.parse(e.data).incident); });
      source.addEventListener("goodbye", function () { source.close(); });
    });
    setInterval(function () {
      Array.prototype.forEach.call(zone.querySelectorAll(".alarm-banner"), function (el) {
        var c = el.querySelector(".alarm-clock");
        if (c) c.textContent = clock(el.dataset.since);
      });
      var reminder = document.getElementById("redose-reminder");
      if (reminder && reminder.dataset.lastNaloxone) {
        var due = (Date.now() - new Date(reminder.dataset.lastNaloxone).getTime()) / 1000 >=
          Number(reminder.dataset.redoseSeconds);
        reminder.hidden = !due;
      }
      var pageClock = document.querySelector(".clock[data-since]");
      if (pageClock) pageClock.textContent = clock(pageClock.dataset.since);
    }, 1000);
  });
})();
