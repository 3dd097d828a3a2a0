// The start-mediation form on the case page: choosing a lead picks the organisation the
// lead is suggested with and ticks the lead as a mediator; a lead without an account to
// sign in with is warned about at once (the server refuses it too).
(function () {
  "use strict";
  var form = document.getElementById("panel-start_mediation");
  if (!form) return;
  var organisation = form.querySelector("select[name=organisation]");
  var warning = document.getElementById("lead-no-account");

  function chosen(radio) {
    var row = radio.closest("tr");
    if (organisation && row.dataset.organisation) organisation.value = row.dataset.organisation;
    var box = row.querySelector("input[name=mediators]");
    if (box) box.checked = true;
    if (warning) warning.classList.toggle("d-none", !radio.hasAttribute("data-no-account"));
  }

  form.querySelectorAll("input[name=lead]").forEach(function (radio) {
    radio.addEventListener("change", function () { chosen(radio); });
  });
})();
