// The round form's number steppers: − and + beside each count (the plain number field
// works without this script).
(function () {
  "use strict";
  document.querySelectorAll(".round-form button.step").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("aria-controls"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var max = parseInt(input.max, 10);
      var value = (parseInt(input.value, 10) || 0) + parseInt(button.dataset.step, 10);
      input.value = String(Math.max(0, isNaN(max) ? value : Math.min(max, value)));
    });
  });
})();
