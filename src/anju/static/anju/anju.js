/* Anju pages: small behaviours only; no inline scripts anywhere (Content-Security-Policy). */
(function () {
  "use strict";

  function pickerOf(el) { return el.closest("[data-picker]"); }

  function choose(picker, code, name) {
    picker.querySelector("[data-picker-value]").value = code;
    picker.querySelector("[data-picker-label]").textContent = name;
    picker.querySelector(".picker-chosen").hidden = !code;
    var search = picker.querySelector("input[type=search]");
    search.value = "";
    picker.querySelector(".picker-results").innerHTML = "";
    if (picker.hasAttribute("data-autosubmit")) {
      var form = picker.closest("form");
      if (form) { form.requestSubmit(); }
    }
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest(".picker-option");
    if (option) {
      choose(pickerOf(option), option.dataset.code, option.dataset.name);
      return;
    }
    var clear = event.target.closest("[data-picker-clear]");
    if (clear) { choose(pickerOf(clear), "", ""); }
  });

  // Enter in a picker's search box takes the first option instead of submitting the form.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || !box.matches || !box.matches("[data-picker] input[type=search]")) {
      return;
    }
    event.preventDefault();
    var first = pickerOf(box).querySelector(".picker-option");
    if (first) { first.click(); }
  });

  // A form that failed: move focus to its error summary so a screen reader reads it first and
  // the keyboard continues from there (the summary links to each field).
  function focusErrors(root) {
    var summary = root.querySelector(".form-errors");
    if (!summary) { return; }
    if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    summary.focus();
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.target); });

  // Filter selects apply at once: a clerk chooses a grade and sees the list.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.requestSubmit();
    }
  });

  // An invalid form's summary takes the focus, so the clerk hears and sees what to fix.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });

  // Repeated rows (family members, responsible persons, measures): a row is added from the
  // formset's empty form and removed without saving; a saved row is marked for deletion.
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-row-add]");
    if (add) {
      var rows = add.closest("[data-rows]");
      var body = rows.querySelector("[data-rows-body]");
      var template = rows.querySelector("template[data-row-template]");
      var total = rows.querySelector("input[name$='-TOTAL_FORMS']");
      var index = Number(total.value);
      var html = template.innerHTML.replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = body.lastElementChild;
      var first = added && added.querySelector("input:not([type=hidden]), select");
      if (first) { first.focus(); }
      return;
    }
    var remove = event.target.closest("[data-row-remove]");
    if (remove) {
      var row = remove.closest("[data-row]");
      var box = row.querySelector("input[name$='-DELETE']");
      var saved = row.querySelector("input[name$='_id']");
      if (saved && saved.value) {
        // a saved row: the server deletes it on save
        if (box) { box.checked = true; }
        row.hidden = true;
      } else {
        // a new row: blank it so the save ignores it
        row.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (f) {
          if (f.type === "checkbox") { f.checked = false; } else { f.value = ""; }
        });
        row.hidden = true;
      }
    }
  });

  // The top menu folds behind its button on phones; on a wide screen it stays open (without
  // JavaScript the button opens it on any screen).
  var menu = document.getElementById("menu");
  if (menu && window.matchMedia("(min-width: 701px)").matches) { menu.open = true; }
})();
