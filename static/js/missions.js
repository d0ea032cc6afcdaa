// Fiche-action page: after one section is saved, the page's other section forms still
// carry the version that save started from. The server names both versions in the
// "fiche-version" event (HX-Trigger); forms holding the old one move to the new one,
// since the only change in between is the user's own. A form holding any other version
// keeps it, so a save based on someone else's older state is still refused.
document.body.addEventListener("fiche-version", function (event) {
  var detail = event.detail || {};
  var selector = 'form[data-fiche="' + detail.fiche + '"] input[name="version"]';
  document.querySelectorAll(selector).forEach(function (input) {
    if (input.value === String(detail.from)) {
      input.value = String(detail.to);
    }
  });
});
