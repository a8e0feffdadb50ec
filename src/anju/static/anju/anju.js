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

  // Filter selects apply at once: a clerk chooses a grade and sees the list.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.requestSubmit();
    }
  });

  // The top menu folds behind its button on phones; on a wide screen it stays open (without
  // JavaScript the button opens it on any screen).
  var menu = document.getElementById("menu");
  if (menu && window.matchMedia("(min-width: 701px)").matches) { menu.open = true; }
})();
