// The catalog import page: poll the job's progress and draw the bar; once the job is
// done (or failed) reload, so the page shows the counts and the row report.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !box.dataset.progressUrl) {
    return;
  }
  var bar = box.querySelector(".progress-bar");
  var label = document.getElementById("import-progress-label");

  function show(progress) {
    var percent = Math.max(0, Math.min(100, progress.percent || 0));
    bar.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    bar.textContent = percent + "%";
    label.textContent = box.dataset.rowsLabel
      .replace("{done}", String(progress.rows_done))
      .replace("{total}", progress.rows_total === null ? "?" : String(progress.rows_total));
  }

  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin",
                                    headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  poll();
})();
