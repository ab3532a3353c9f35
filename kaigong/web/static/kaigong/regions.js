// The region picker (GB/T 2260): with JavaScript, three cascading selects (province → city →
// county, the next level's options loaded by htmx) replace the one select of every division;
// the deepest choice is the field's value. Without JavaScript the one select is the picker.
(function () {
  "use strict";
  function setUp(picker) {
    var field = document.getElementById(picker.getAttribute("data-region-picker"));
    var cascade = picker.querySelector(".region-cascade");
    if (!field || !cascade || picker.hasAttribute("data-ready")) return;
    picker.setAttribute("data-ready", "");
    var levels = cascade.querySelectorAll("select");
    function sync() {
      var value = "";
      levels.forEach(function (select) { if (select.value) value = select.value; });
      field.value = value;
    }
    levels.forEach(function (select, index) {
      select.addEventListener("change", function () {
        for (var i = index + 1; i < levels.length; i++) {
          levels[i].value = "";
          if (i > index + 1) levels[i].innerHTML = levels[i].options[0] ? levels[i].options[0].outerHTML : "";
        }
        sync();
      });
    });
    cascade.addEventListener("htmx:afterSwap", sync);
    field.hidden = true;
    field.required = false;  // the server validates; a hidden control cannot be focused
    field.setAttribute("aria-hidden", "true");
    var label = document.querySelector("label[for='" + field.id + "']");
    if (label) label.setAttribute("for", levels[0].id);
    cascade.hidden = false;
  }
  function init(root) {
    (root || document).querySelectorAll("[data-region-picker]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
