// One live connection per page: the alarms of the sites where this person responds (and
// the board the page shows) arrive on a single server-sent event stream. A browser opens
// at most six connections per host over HTTP/1.1; one per site and page froze the door.
//
// Modes (the page's #live-config): "staff" — a logged-in page; it locks itself after the
// idle time. "locked" — the lock screen of a shared terminal: alarms without person data
// keep coming and sound until someone responds. "wall" — a wall screen's board and alarms.
(function () {
  "use strict";
  var ZERO = "00000000-0000-0000-0000-000000000000";
  var config, zone, labels, source, handlers = {}, stale = {};

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function clock(since) {
    var s = Math.max(0, Math.floor((Date.now() - new Date(since).getTime()) / 1000));
    var m = Math.floor(s / 60);
    return (m < 10 ? "0" : "") + m + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }
  var audio = null;
  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      audio = audio || new Ctx();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = "square"; osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.6);
    } catch (e) { /* the browser did not allow sound: the banner still shows */ }
  }
  function emit(name, data) {
    (handlers[name] || []).forEach(function (fn) { fn(data); });
  }

  // --- Alarm banners -------------------------------------------------------------------
  function siteName(slug) { return (config.names && config.names[slug]) || slug || ""; }
  function render(data) {
    var id = data.incident, el = document.getElementById("alarm-" + id);
    var isNew = !el;
    delete stale[id];
    if (isNew) {
      el = document.createElement("div");
      el.id = "alarm-" + id;
      el.className = "alarm-banner";
      el.setAttribute("role", "alert");
      zone.appendChild(el);
    }
    el.dataset.since = data.started_at;
    el.dataset.responders = (data.responders || []).length;
    el.innerHTML = "";
    var title = document.createElement("strong");
    title.className = "alarm-title";
    title.textContent = labels.title + " · " + siteName(data.site) +
      (data.booth ? " · " + labels.booth + " " + data.booth : "") +
      (data.person_code ? " · " + data.person_code : "");
    var time = document.createElement("span");
    time.className = "alarm-clock";
    time.textContent = clock(data.started_at);
    var who = document.createElement("span");
    who.className = "alarm-who";
    who.textContent = data.responders && data.responders.length ?
      labels.responding + ": " + data.responders.join(", ") : labels.nobody;
    el.append(title, time, who);
    if (config.mode === "staff") {
      var url = config.incident.replace(ZERO, id);
      var ack = document.createElement("button");
      ack.type = "button"; ack.className = "alarm-ack"; ack.textContent = labels.ack;
      ack.addEventListener("click", function () {
        var body = new URLSearchParams({ action: "acknowledge" });
        fetch(url, { method: "POST", credentials: "same-origin", body: body,
                     headers: { "X-CSRFToken": csrf() } });
      });
      var open = document.createElement("a");
      open.href = url; open.className = "alarm-open"; open.textContent = labels.open;
      el.append(ack, open);
    } else if (config.mode === "locked") {
      var login = document.createElement("a");
      login.href = "#id_username"; login.className = "alarm-open"; login.textContent = labels.login;
      login.addEventListener("click", function (e) {
        var field = document.getElementById("id_username") || document.getElementById("id_otp");
        if (field) { e.preventDefault(); field.focus(); }
      });
      el.append(login);
    }
    if (isNew) beep();
  }
  function remove(id) {
    var el = document.getElementById("alarm-" + id);
    if (el) el.remove();
    delete stale[id];
  }

  // --- The one stream --------------------------------------------------------------------
  function streamUrl() {
    if (config.mode !== "staff") return config.events;
    var sites = (config.respond || []).slice();
    var board = document.querySelector("[data-board-site]");
    if (board && sites.indexOf(board.dataset.boardSite) < 0) sites.push(board.dataset.boardSite);
    if (!sites.length) return null;
    return config.events + "?" + sites.map(function (s) {
      return "site=" + encodeURIComponent(s);
    }).join("&");
  }
  // A stream the server answered with an error (a 503 while the database is away) is
  // closed for good by the browser: open a new one after a growing, jittered wait (2 s
  // doubling to 30 s) so that an alarm screen never silently stops. The page says it is
  // reconnecting until the new stream's hello.
  var RETRY_FIRST = 2000, RETRY_MAX = 30000, retryDelay = 0, retryTimer = null;
  function reconnectLater() {
    if (retryTimer) return;
    retryDelay = retryDelay ? Math.min(retryDelay * 2, RETRY_MAX) : RETRY_FIRST;
    var wait = retryDelay * (0.75 + Math.random() / 2);
    retryTimer = setTimeout(function () { retryTimer = null; connect(); }, wait);
  }
  function connect() {
    var url = streamUrl();
    if (!url || !window.EventSource) return;
    var status = document.getElementById("live-status");
    var es = source = new EventSource(url);
    es.addEventListener("hello", function (e) {
      retryDelay = 0;
      document.body.dataset.live = "on";
      if (status) status.hidden = true;
      // Banners not confirmed by the snapshot that follows are closed meanwhile.
      Array.prototype.forEach.call(zone.querySelectorAll(".alarm-banner"), function (el) {
        stale[el.id.slice(6)] = true;
      });
      emit("hello", JSON.parse(e.data));
    });
    es.addEventListener("alarm", function (e) { render(JSON.parse(e.data)); });
    es.addEventListener("alarms_synced", function () {
      Object.keys(stale).forEach(remove);
    });
    es.addEventListener("alarm_closed", function (e) { remove(JSON.parse(e.data).incident); });
    es.addEventListener("board", function (e) { emit("board", JSON.parse(e.data)); });
    es.addEventListener("drug_alert", function (e) { emit("drug_alert", JSON.parse(e.data)); });
    // The server ends the stream when the login ended (idle, logout) or a wall screen was
    // revoked: reloading shows the lock screen, which keeps the alarms coming.
    es.addEventListener("goodbye", function () { es.close(); window.location.reload(); });
    es.onerror = function () {
      document.body.dataset.live = "reconnecting";
      if (status) status.hidden = false;
      // CONNECTING: the browser retries by itself. CLOSED: it has given up.
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        reconnectLater();
      }
    };
  }

  // --- Locking an idle page ------------------------------------------------------------
  function lockWhenIdle() {
    if (config.mode !== "staff" || !config.idle_seconds || !config.lock) return;
    var last = Date.now();
    ["keydown", "pointerdown", "touchstart", "input", "wheel"].forEach(function (name) {
      document.addEventListener(name, function () { last = Date.now(); }, { passive: true, capture: true });
    });
    var locking = false;
    setInterval(function () {
      if (locking || Date.now() - last < config.idle_seconds * 1000) return;
      locking = true;
      var form = document.createElement("form");
      form.method = "post"; form.action = config.lock; form.hidden = true;
      [["csrfmiddlewaretoken", csrf()], ["next", location.pathname + location.search]].forEach(function (p) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = p[0]; input.value = p[1];
        form.appendChild(input);
      });
      document.body.appendChild(form);
      form.submit();
    }, 1000);
  }

  window.StofrumLive = {
    on: function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("live-config");
    zone = document.getElementById("alarm-zone");
    if (!el || !zone) return;
    config = JSON.parse(el.textContent);
    labels = { ack: zone.dataset.ackLabel, open: zone.dataset.openLabel, booth: zone.dataset.boothLabel,
               title: zone.dataset.title, responding: zone.dataset.respondingLabel,
               nobody: zone.dataset.nobodyLabel, login: zone.dataset.loginLabel };
    // Other scripts register their handlers on DOMContentLoaded too: connect after them.
    setTimeout(connect, 0);
    lockWhenIdle();
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
    // A screen nobody is logged in to keeps sounding while nobody has responded.
    if (config.mode !== "staff") {
      setInterval(function () {
        if (zone.querySelector('.alarm-banner[data-responders="0"]')) beep();
      }, 8000);
    }
  });
})();
