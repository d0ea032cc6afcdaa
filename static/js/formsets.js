// Formsets (tables of rows saved together, e.g. the needs of the diagnostic): the server
// offers a few blank rows; "Ajouter une ligne" adds more without saving first. The blank row
// comes from a <template> holding the formset's empty form (prefix __prefix__, line __line__).
(function () {
  "use strict";

  function addRow(button) {
    var prefix = button.getAttribute("data-formset-add");
    var form = button.form || button.closest("form");
    var total = form && form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = document.getElementById(button.getAttribute("data-formset-template"));
    var body = document.getElementById(button.getAttribute("aria-controls"));
    if (!total || !template || !body) return null;
    var max = form.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var index = parseInt(total.value, 10) || 0;
    if (max && index >= parseInt(max.value, 10)) {
      button.disabled = true;
      return null;
    }
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__line__/g, String(index + 1));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    return body.lastElementChild;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-formset-add]");
    if (!button) return;
    event.preventDefault();
    var row = addRow(button);
    var first = row && row.querySelector("input:not([type=hidden]), textarea, select");
    if (first) first.focus();
  });

  // drafts.js: a draft holding more rows than the page shows adds them before filling.
  window.cptsFormsetGrow = function (form, prefix, count) {
    var button = form.querySelector('[data-formset-add="' + prefix + '"]');
    var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    while (button && total && (parseInt(total.value, 10) || 0) < count) {
      if (!addRow(button)) break;
    }
  };
})();
