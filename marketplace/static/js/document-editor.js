/* The document editor: add and remove line rows, and the product picker that fills a
 * line from the supplier's catalog (description, SKU, unit, the price tier for the
 * quantity). Without JavaScript the page offers empty rows and a blank row drops a line. */
(function () {
  "use strict";

  var form = document.getElementById("document-form");
  if (!form) { return; }
  var table = document.getElementById("line-rows");
  var body = table.querySelector("tbody");

  function renumber() {
    body.querySelectorAll("[data-row]").forEach(function (row, index) {
      row.querySelectorAll("input, textarea").forEach(function (input) {
        input.name = input.name.replace(/^lines-\d+-/, "lines-" + index + "-");
        input.id = input.id.replace(/^lines-\d+-/, "lines-" + index + "-");
      });
    });
  }

  function field(row, name) { return row.querySelector("[data-field='" + name + "']"); }

  function blankRow() {
    var rows = body.querySelectorAll("[data-row]");
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      if (!field(row, "description").value.trim() && !field(row, "quantity").value.trim() &&
          !field(row, "sku").value.trim() && !field(row, "product_id").value) { return row; }
    }
    return addRow();
  }

  function addRow() {
    var rows = body.querySelectorAll("[data-row]");
    var copy = rows[rows.length - 1].cloneNode(true);
    copy.querySelectorAll("input, textarea").forEach(function (input) {
      input.value = "";
      input.classList.remove("is-invalid");
    });
    copy.querySelectorAll(".invalid-feedback").forEach(function (message) { message.remove(); });
    body.appendChild(copy);
    wireRow(copy);
    renumber();
    return copy;
  }

  function wireRow(row) {
    var remove = row.querySelector("[data-remove-row]");
    remove.hidden = false;
    remove.addEventListener("click", function () {
      if (body.querySelectorAll("[data-row]").length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input, textarea").forEach(function (input) { input.value = ""; });
      }
      renumber();
    });
  }

  body.querySelectorAll("[data-row]").forEach(wireRow);
  var add = form.querySelector("[data-add-row]");
  add.hidden = false;
  add.addEventListener("click", function () { field(addRow(), "sku").focus(); });

  // ----- the product picker -----
  var picker = document.getElementById("product-picker");
  var query = document.getElementById("picker-q");
  var results = document.getElementById("picker-results");
  var recipient = document.getElementById("recipient");
  var found = {};

  function supplier() {
    if (form.dataset.supplier) { return form.dataset.supplier; }
    return recipient ? recipient.value : "";
  }

  function refreshPicker() { picker.hidden = !supplier(); }

  function search() {
    if (!supplier()) { return; }
    var url = form.dataset.pickerUrl + "?supplier=" + encodeURIComponent(supplier()) +
      "&q=" + encodeURIComponent(query.value.trim());
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (data) {
        results.innerHTML = "";
        found = {};
        data.items.forEach(function (product) {
          var label = product.sku + " — " + (product.label || product.name);
          found[label] = product;
          var option = document.createElement("option");
          option.value = label;
          results.appendChild(option);
        });
      });
  }

  function tierPrice(product, quantity) {
    var price = null;
    product.price_tiers.forEach(function (tier) {
      if (parseFloat(quantity) >= parseFloat(tier.min_qty)) { price = tier.unit_price; }
    });
    return price;
  }

  function pick() {
    var product = found[query.value];
    if (!product) { search(); return; }
    var row = blankRow();
    field(row, "product_id").value = product.id;
    field(row, "sku").value = product.sku;
    field(row, "description").value = product.name + (product.name_zh ? " / " + product.name_zh : "");
    field(row, "quantity").value = product.quantity || "1";
    field(row, "unit").value = product.unit;
    var price = tierPrice(product, field(row, "quantity").value);
    if (price !== null) { field(row, "unit_price").value = price; }
    field(row, "quantity").addEventListener("change", function () {
      var again = tierPrice(product, field(row, "quantity").value);
      if (again !== null) { field(row, "unit_price").value = again; }
    });
    query.value = "";
  }

  if (recipient) { recipient.addEventListener("change", function () { refreshPicker(); search(); }); }
  query.addEventListener("input", function () { if (found[query.value]) { pick(); } else { search(); } });
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); pick(); }
  });
  document.getElementById("picker-add").addEventListener("click", pick);
  refreshPicker();
  if (!picker.hidden) { search(); }
}());
