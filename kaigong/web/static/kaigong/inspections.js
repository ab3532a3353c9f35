/*
 * The video site inspection (云踏勘) in the browser: WebRTC between the inspectors and the
 * enterprise's person on site, signalled through Kaigong's WebSocket
 * (/ws/inspections/<id>/, kaigong/inspections/consumers.py). No third-party service: the
 * ICE/TURN servers come from the platform's settings (KAIGONG_ICE_SERVERS).
 *
 * Mesh: whoever is already in the room offers to a newcomer. The inspector takes
 * snapshots of the remote video tied to a checklist item and the call time and records
 * results over the HTTP API; the person on site shares the browser's location. The
 * inspector's browser records the on-site stream (video and audio) with MediaRecorder in
 * segments of config.segmentSeconds, each a complete WebM file, and uploads them in order
 * (POST segments/: sequence, call-time start and end); the server hashes and chains them
 * (kaigong/inspections/recording.py). If another inspector is recording already, the
 * server refuses this browser's segment 409 and this browser stops recording. In
 * rehearsal mode the page checks camera, microphone, signalling and an ICE loopback and
 * reports the result.
 */
(function () {
  "use strict";
  var root = document.getElementById("call");
  if (!root) { return; }
  var config = JSON.parse(root.dataset.config);
  var text = (document.getElementById("i18n") || { dataset: {} }).dataset;
  var state = document.getElementById("call-state");
  var errorBox = document.getElementById("call-error");
  var localVideo = document.getElementById("local-video");
  var remoteVideo = document.getElementById("remote-video");
  var timer = document.getElementById("call-timer");
  var iceServers = config.iceServers || [];
  var peers = {};           // peer id → {pc, role}
  var me = null;
  var socket = null;
  var stream = null;
  var facing = "environment";
  var started = config.started ? Date.parse(config.started) : Date.now();
  var position = null;

  function show(message) { if (state) { state.textContent = message; } }
  function fail(message) { if (errorBox) { errorBox.hidden = false; errorBox.textContent = message; } }
  function offset() { return Math.max(0, Math.round(Date.now() - started)); }
  function clock() {
    var s = Math.floor(offset() / 1000);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    if (timer) { timer.textContent = pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60); }
  }

  function api(path, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ "X-CSRFToken": config.csrf }, options.headers || {});
    return fetch(config.api + path, options).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (problem) {
          throw new Error(problem.detail || problem.title || response.status);
        });
      }
      return response.json();
    });
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(message)); }
  }

  function media() {
    return navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { facingMode: facing, width: { ideal: 1280 }, height: { ideal: 720 } }
    }).then(function (s) {
      stream = s;
      localVideo.srcObject = s;
      return s;
    });
  }

  function connection(peer, role) {
    var pc = new RTCPeerConnection({ iceServers: iceServers });
    peers[peer] = { pc: pc, role: role };
    if (stream) { stream.getTracks().forEach(function (t) { pc.addTrack(t, stream); }); }
    pc.onicecandidate = function (e) { if (e.candidate) { send({ type: "ice", to: peer, data: e.candidate.toJSON() }); } };
    pc.ontrack = function (e) {
      // the inspector watches the site; the site person sees an inspector
      if (!remoteVideo.srcObject || role === "site") { remoteVideo.srcObject = e.streams[0]; }
      show(text.connected || "connected");
      if (role === "site" && config.role === "inspector" && config.mode === "call") { recordSoon(e.streams[0]); }
    };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "failed" || pc.connectionState === "closed") { drop(peer); }
    };
    return pc;
  }

  function drop(peer) {
    var entry = peers[peer];
    if (!entry) { return; }
    entry.pc.close();
    delete peers[peer];
    if (!Object.keys(peers).length) { show(text.waiting || "waiting"); }
  }

  function onSignal(message) {
    var entry = message.from ? peers[message.from] : null;
    if (message.type === "welcome") {
      me = message.peer;
      if (message.iceServers && message.iceServers.length) { iceServers = message.iceServers; }
      show(text.waiting || "waiting");
      if (config.mode === "rehearsal") { check("signalling", true); }
    } else if (message.type === "join" && config.mode === "call") {
      var pc = connection(message.from, message.role);
      pc.createOffer().then(function (offer) { return pc.setLocalDescription(offer); }).then(function () {
        send({ type: "offer", to: message.from, data: pc.localDescription.toJSON() });
      });
    } else if (message.type === "offer" && config.mode === "call") {
      var answerer = entry ? entry.pc : connection(message.from, message.role);
      answerer.setRemoteDescription(message.data).then(function () { return answerer.createAnswer(); })
        .then(function (answer) { return answerer.setLocalDescription(answer); })
        .then(function () { send({ type: "answer", to: message.from, data: answerer.localDescription.toJSON() }); });
    } else if (message.type === "answer" && entry) {
      entry.pc.setRemoteDescription(message.data);
    } else if (message.type === "ice" && entry) {
      entry.pc.addIceCandidate(message.data).catch(function () {});
    } else if (message.type === "leave" || message.type === "hangup") {
      drop(message.from);
    } else if (message.type === "pong" && config.mode === "rehearsal") {
      check("signalling", true);
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + config.ws);
    socket.onmessage = function (e) { onSignal(JSON.parse(e.data)); };
    socket.onopen = function () { send({ type: "ping" }); };
    socket.onclose = function () { show(text.closed || "closed"); if (config.mode === "rehearsal") { check("signalling", !!me); } };
  }

  function switchCamera() {
    facing = facing === "environment" ? "user" : "environment";
    navigator.mediaDevices.getUserMedia({ video: { facingMode: facing } }).then(function (s) {
      var track = s.getVideoTracks()[0];
      Object.keys(peers).forEach(function (id) {
        peers[id].pc.getSenders().forEach(function (sender) {
          if (sender.track && sender.track.kind === "video") { sender.replaceTrack(track); }
        });
      });
      stream.getVideoTracks().forEach(function (t) { stream.removeTrack(t); t.stop(); });
      stream.addTrack(track);
      localVideo.srcObject = stream;
    }).catch(function (e) { fail(e.message); });
  }

  function toggle(kind) {
    if (!stream) { return; }
    stream.getTracks().forEach(function (t) { if (t.kind === kind) { t.enabled = !t.enabled; } });
  }

  function hangup() {
    flushRecording();
    send({ type: "hangup" });
    Object.keys(peers).forEach(drop);
    if (socket) { socket.close(); }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    show(text.closed || "closed");
  }

  // -- the inspector's checklist --------------------------------------------------
  function saved(item, message) {
    var box = document.querySelector(".saved[data-item='" + item + "']");
    if (box) { box.textContent = message; }
  }

  function snapshot(item) {
    var video = remoteVideo.srcObject ? remoteVideo : localVideo;
    var canvas = document.getElementById("snap-canvas");
    canvas.width = video.videoWidth || 640;
    canvas.height = video.videoHeight || 480;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    var at = offset();
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); }).then(function (blob) {
      var form = new FormData();
      form.append("checklist_item", item);
      form.append("call_offset_ms", String(at));
      form.append("file", blob, "snapshot.jpg");
      return api("snapshots/", { method: "POST", body: form });
    }).then(function (row) { saved(item, (text.saved || "saved") + " · SM3 " + row.sm3.slice(0, 12) + "…"); return row; })
      .catch(function (e) { fail(e.message); });
  }

  function result(item, value) {
    var note = document.querySelector("input.note[data-item='" + item + "']");
    return api("results/" + item + "/", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ result: value, note: note ? note.value : "", call_offset_ms: offset() })
    }).then(function () { saved(item, text.saved || "saved"); }).catch(function (e) { fail(e.message); });
  }

  // -- the recording (inspector) ----------------------------------------------------
  var rec = { stream: null, recorder: null, sequence: config.nextSegment || 0, queue: Promise.resolve(),
              stopped: false, uploaded: [], timer: null, pending: null };
  var recState = document.getElementById("rec-state");
  function recShow(message) { if (recState) { recState.textContent = message; } }

  function mimeType() {
    var types = ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];
    if (!window.MediaRecorder) { return null; }
    for (var i = 0; i < types.length; i++) { if (MediaRecorder.isTypeSupported(types[i])) { return types[i]; } }
    return "";
  }

  function recordSoon(remote) {
    if (rec.stream || rec.stopped) { return; }
    // the audio and the video track arrive in two track events: start once both are there
    var begin = function () { if (!rec.stream && !rec.stopped) { rec.stream = remote; nextSegment(); } };
    if (remote.getAudioTracks().length && remote.getVideoTracks().length) { begin(); } else { setTimeout(begin, 1000); }
  }

  function nextSegment() {
    var type = mimeType();
    if (type === null) { recShow(text.recOff || ""); rec.stopped = true; return; }
    var recorder;
    try { recorder = type ? new MediaRecorder(rec.stream, { mimeType: type }) : new MediaRecorder(rec.stream); }
    catch (e) { recShow((text.recOff || "") + " (" + e.name + ")"); rec.stopped = true; return; }
    var chunks = [];
    var start = offset();
    var done;
    rec.pending = new Promise(function (resolve) { done = resolve; });
    recorder.ondataavailable = function (e) { if (e.data && e.data.size) { chunks.push(e.data); } };
    recorder.onstop = function () {
      var blob = new Blob(chunks, { type: recorder.mimeType || type || "video/webm" });
      var sequence = rec.sequence++;
      if (blob.size) { upload(blob, sequence, start, offset()); } else { rec.sequence--; }
      if (!rec.stopped) { nextSegment(); }
      done();
    };
    rec.recorder = recorder;
    recorder.start();
    recShow(text.recording || "recording");
    rec.timer = setTimeout(function () { if (recorder.state !== "inactive") { recorder.stop(); } },
                           (config.segmentSeconds || 10) * 1000);
  }

  function upload(blob, sequence, start, end) {
    rec.queue = rec.queue.then(function () {
      if (rec.refused) { return null; }
      var form = new FormData();
      form.append("sequence", String(sequence));
      form.append("start_ms", String(start));
      form.append("end_ms", String(Math.max(start, end)));
      form.append("file", blob, "segment-" + sequence + ".webm");
      return fetch(config.api + "segments/", { method: "POST", body: form, credentials: "same-origin",
                                              headers: { "X-CSRFToken": config.csrf } })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (response.status === 409) { rec.refused = true; stopRecording(); recShow(body.detail || text.recOther || ""); return null; }
            if (!response.ok) { throw new Error(body.detail || body.title || response.status); }
            rec.uploaded.push(body);
            recShow((text.recorded || "") + " " + rec.uploaded.length + " · SM3 " + body.chain.slice(0, 12) + "…");
            return body;
          });
        }).catch(function (e) { fail(e.message); });
    });
    return rec.queue;
  }

  function stopRecording() {
    rec.stopped = true;
    if (rec.timer) { clearTimeout(rec.timer); }
    if (rec.recorder && rec.recorder.state !== "inactive") { rec.recorder.stop(); }
  }

  // stop the current segment and wait until every segment is uploaded
  function flushRecording() {
    var pending = rec.pending || Promise.resolve();
    stopRecording();
    return pending.then(function () { return rec.queue; }).then(function () { return rec.uploaded; });
  }

  // -- the site person's location -------------------------------------------------
  var lastSent = 0;
  function watchLocation() {
    var geo = document.getElementById("geo-state");
    if (!navigator.geolocation) { if (geo) { geo.textContent = text.geoOff; } return; }
    navigator.geolocation.watchPosition(function (p) {
      position = p.coords;
      if (Date.now() - lastSent < 10000) { return; }
      lastSent = Date.now();
      api("locations/", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ latitude: Number(p.coords.latitude.toFixed(6)), longitude: Number(p.coords.longitude.toFixed(6)), accuracy_m: p.coords.accuracy })
      }).catch(function () {});
    }, function () { if (geo) { geo.textContent = text.geoOff; } }, { enableHighAccuracy: true, maximumAge: 5000 });
  }

  // -- rehearsal ------------------------------------------------------------------
  var checks = {};
  function check(name, ok) {
    if (name in checks && checks[name]) { return; }
    checks[name] = ok;
    var row = document.querySelector("[data-check='" + name + "']");
    if (row) { row.className = ok ? "ok" : "bad"; row.querySelector("span").textContent = ok ? (text.ok || "OK") : (text.failed || "failed"); }
    if (["camera", "microphone", "signalling", "ice"].every(function (k) { return k in checks; })) { report(); }
  }

  function iceLoopback() {
    var a = new RTCPeerConnection({ iceServers: iceServers });
    var b = new RTCPeerConnection({ iceServers: iceServers });
    var done = false;
    function finish(ok) { if (done) { return; } done = true; check("ice", ok); a.close(); b.close(); }
    a.onicecandidate = function (e) { if (e.candidate) { b.addIceCandidate(e.candidate).catch(function () {}); } };
    b.onicecandidate = function (e) { if (e.candidate) { a.addIceCandidate(e.candidate).catch(function () {}); } };
    a.oniceconnectionstatechange = function () {
      if (a.iceConnectionState === "connected" || a.iceConnectionState === "completed") { finish(true); }
      if (a.iceConnectionState === "failed") { finish(false); }
    };
    a.createDataChannel("rehearsal");
    a.createOffer().then(function (o) { return a.setLocalDescription(o); })
      .then(function () { return b.setRemoteDescription(a.localDescription); })
      .then(function () { return b.createAnswer(); })
      .then(function (o) { return b.setLocalDescription(o); })
      .then(function () { return a.setRemoteDescription(b.localDescription); })
      .catch(function () { finish(false); });
    setTimeout(function () { finish(false); }, 10000);
  }

  var reported = false;
  function report() {
    if (reported) { return; }
    reported = true;
    var ok = checks.camera && checks.microphone && checks.signalling && checks.ice;
    var box = document.getElementById("rehearsal-result");
    api("rehearsal/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ camera: !!checks.camera, microphone: !!checks.microphone, signalling: !!checks.signalling, ice: !!checks.ice })
    }).then(function () { if (box) { box.textContent = ok ? text.rehearsalOk : text.rehearsalBad; } })
      .catch(function (e) { fail(e.message); });
  }

  // -- start ----------------------------------------------------------------------
  function bind(id, fn) { var el = document.getElementById(id); if (el) { el.addEventListener("click", fn); } }
  bind("toggle-mic", function () { toggle("audio"); });
  bind("toggle-cam", function () { toggle("video"); });
  bind("switch-cam", switchCamera);
  bind("hangup", hangup);
  var finish = document.getElementById("end-call");
  if (finish) {
    finish.addEventListener("click", function (e) {
      if (!rec.recorder) { return; }
      e.preventDefault();
      recShow(text.recFlushing || "");
      flushRecording().then(function () { location.href = finish.href; });
    });
  }
  document.querySelectorAll("button.snap").forEach(function (b) { b.addEventListener("click", function () { snapshot(b.dataset.item); }); });
  document.querySelectorAll("button.result").forEach(function (b) { b.addEventListener("click", function () { result(b.dataset.item, b.dataset.result); }); });
  setInterval(clock, 1000);

  window.kaigongCall = {
    peers: peers,
    snapshot: snapshot,
    result: result,
    segments: function () { return rec.uploaded; },
    flushRecording: flushRecording,
    position: function () { return position; },
    framesReceived: function () {
      var ids = Object.keys(peers);
      return Promise.all(ids.map(function (id) { return peers[id].pc.getStats(); })).then(function (reports) {
        var frames = 0;
        reports.forEach(function (r) { r.forEach(function (s) { if (s.type === "inbound-rtp" && s.kind === "video") { frames += s.framesDecoded || 0; } }); });
        return frames;
      });
    }
  };

  media().then(function (s) {
    if (config.mode === "rehearsal") {
      check("camera", s.getVideoTracks().length > 0);
      check("microphone", s.getAudioTracks().length > 0);
      iceLoopback();
    }
    connect();
    if (config.role === "site" && config.mode === "call") { watchLocation(); }
  }).catch(function (e) {
    fail((text.mediaOff || "") + " (" + (e.name || e.message) + ")");
    if (config.mode === "rehearsal") { check("camera", false); check("microphone", false); iceLoopback(); }
    connect();
  });
}());
