/* The product editor's "Add a row" buttons: copy the last row of a table marked
 * data-rows, empty, with the next index in its field names (price_tiers-3-min_qty).
 * Without JavaScript the page offers a few empty rows, and more after each save. */
(function () {
  "use strict";

  function addRow(table) {
    var rows = table.querySelectorAll("[data-row]");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var index = rows.length;
    copy.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/-\d+-/, "-" + index + "-");
      input.id = input.id.replace(/-\d+-/, "-" + index + "-");
      input.value = "";
      input.classList.remove("is-invalid");
    });
    copy.querySelectorAll(".invalid-feedback").forEach(function (message) { message.remove(); });
    last.parentNode.appendChild(copy);
    copy.querySelector("input").focus();
  }

  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var table = document.getElementById(button.dataset.addRow);
    if (!table) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { addRow(table); });
  });
}());
