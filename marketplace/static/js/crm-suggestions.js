/* The quotation editor's "add what this customer's peers order with it": each Add
 * fills a line row the way the editor's product picker does (a blank row, else a new
 * one from the editor's own "Add a line"). Without JavaScript the list only informs. */
(function () {
  "use strict";

  var table = document.getElementById("line-rows");
  if (!table) { return; }
  var body = table.querySelector("tbody");

  function field(row, name) { return row.querySelector("[data-field='" + name + "']"); }

  function blank(row) {
    return !field(row, "description").value.trim() && !field(row, "quantity").value.trim() &&
      !field(row, "sku").value.trim() && !field(row, "product_id").value;
  }

  function freeRow() {
    var rows = body.querySelectorAll("[data-row]");
    for (var i = 0; i < rows.length; i++) { if (blank(rows[i])) { return rows[i]; } }
    document.getElementById("add-line").click();
    rows = body.querySelectorAll("[data-row]");
    return rows[rows.length - 1];
  }

  function tierPrice(line, quantity) {
    var price = null;
    line.price_tiers.forEach(function (tier) {
      if (parseFloat(quantity) >= parseFloat(tier.min_qty)) { price = tier.unit_price; }
    });
    return price;
  }

  function add(button) {
    var line = JSON.parse(button.dataset.line);
    var row = freeRow();
    field(row, "product_id").value = line.id;
    field(row, "sku").value = line.sku;
    field(row, "description").value = line.description;
    field(row, "quantity").value = line.quantity || "1";
    field(row, "unit").value = line.unit;
    var price = tierPrice(line, field(row, "quantity").value);
    field(row, "unit_price").value = price !== null ? price : line.unit_price;
    button.disabled = true;
    field(row, "quantity").focus();
  }

  document.querySelectorAll("[data-suggest-add]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { add(button); });
  });
}());
