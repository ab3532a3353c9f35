/* Application pages: uploads with progress (one form per material), pending files are
   uploaded before moving on, and confirmations for forms marked data-confirm.
   No inline script (CSP); texts come from data-msg-* attributes of <body> children. */
(function () {
  "use strict";

  function texts() {
    var holder = document.querySelector("[data-msg-pending]");
    var d = holder ? holder.dataset : {};
    return {
      pending: d.msgPending || "",
      uploading: d.msgUploading || "",
      failed: d.msgFailed || "",
      tooLarge: d.msgTooLarge || "",
    };
  }

  function upload(form) {
    var msg = texts();
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var item = form.closest("[id^=m-]");
    var badge = item ? item.querySelector("[data-state]") : null;
    return new Promise(function (resolve) {
      if (!input || !input.files.length) { resolve(true); return; }
      var max = parseFloat(input.dataset.maxMb || "0");
      if (max && input.files[0].size > max * 1024 * 1024) {
        status.textContent = msg.tooLarge;
        resolve(false);
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
      });
      xhr.addEventListener("load", function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = {}; }
        bar.hidden = true;
        status.textContent = data.message || msg.failed;
        if (data.ok) {
          form.dataset.pending = "";
          input.value = "";
          if (badge && data.state) { badge.textContent = data.state; badge.className = "badge state uploaded"; }
          if (item) { item.className = item.className.replace(/state-\S+/, "state-uploaded"); }
        }
        resolve(Boolean(data.ok));
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        status.textContent = msg.failed;
        resolve(false);
      });
      bar.hidden = false;
      bar.value = 0;
      status.textContent = msg.uploading;
      xhr.send(new FormData(form));
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    if (input) {
      input.addEventListener("change", function () {
        form.dataset.pending = input.files.length ? "1" : "";
        form.querySelector(".upload-status").textContent = input.files.length
          ? input.files[0].name + " · " + texts().pending
          : "";
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      upload(form);
    });
  });

  /* Moving on never drops a chosen file: pending ones are uploaded first. */
  document.querySelectorAll("[data-after-uploads]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var pending = Array.prototype.filter.call(
        document.querySelectorAll("form[data-upload]"),
        function (form) { return form.dataset.pending === "1"; }
      );
      if (!pending.length) { return; }
      event.preventDefault();
      pending.reduce(function (chain, form) {
        return chain.then(function (ok) { return upload(form).then(function (done) { return ok && done; }); });
      }, Promise.resolve(true)).then(function (ok) {
        if (ok) { window.location.href = link.href; }
      });
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
