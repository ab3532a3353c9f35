// Behaviour that templates ask for with data- attributes (the CSP forbids inline script).
// <form data-confirm="question">: ask before submitting. <a data-history-back>: go back.
// After an htmx swap the keyboard focus is kept (or moved to the new content when the focused
// element was swapped away) and a polite live region announces the update.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest("[data-history-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // --- focus and announcements around htmx swaps -------------------------------------------
  var remembered = null;

  function liveRegion() {
    var region = document.querySelector("[data-live-region]");
    if (!region) {
      region = document.createElement("div");
      region.setAttribute("data-live-region", "");
      region.setAttribute("aria-live", "polite");
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    return region;
  }

  function announce(text) {
    var region = liveRegion();
    region.textContent = "";
    // A fresh text node after a tick makes screen readers read repeated messages too.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function focusable(element) {
    if (!element.hasAttribute("tabindex") && !element.matches("a[href], button, input, select, textarea")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus({ preventScroll: false });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", liveRegion);
  } else {
    liveRegion();
  }

  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    remembered = active && active !== document.body ? {
      id: active.id,
      name: active.getAttribute("name"),
      value: active.getAttribute("value"),
    } : null;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && !target.isConnected && target.id) {
      // An outerHTML swap replaced the target: its successor carries the same id.
      target = document.getElementById(target.id);
    }
    if (!target || !target.isConnected) {
      target = event.target && event.target.isConnected ? event.target : document.getElementById("main");
    }
    var active = document.activeElement;
    var lost = !active || active === document.body || !active.isConnected;
    if (lost && remembered) {
      // The focused control was swapped out: find its successor by id, else by name and value.
      var again = remembered.id ? document.getElementById(remembered.id) : null;
      if (!again && remembered.name) {
        var candidates = document.getElementsByName(remembered.name);
        for (var i = 0; i < candidates.length && !again; i++) {
          if (candidates[i].getAttribute("value") === remembered.value) { again = candidates[i]; }
        }
      }
      if (again) { again.focus(); lost = false; }
    }
    var heading = target && target.querySelector && target.querySelector("h1, h2, h3, h4");
    if (lost && target) {
      // The first heading of the new content, else its first control, else the region itself.
      var control = target.querySelector("a[href], button:not([disabled]), input:not([type=hidden]), select, textarea");
      focusable(heading || control || target);
    }
    var main = document.getElementById("main");
    var message = (main && main.getAttribute("data-live-message")) || "";
    var title = heading ? heading.textContent.trim() : (target && target.getAttribute && target.getAttribute("aria-label")) || "";
    announce(title ? message + title : message);
    remembered = null;
  });
})();
