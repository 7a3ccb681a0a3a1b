// A document set's papers laid out in the background: poll the progress, move the
// bar, mark each paper ready; stop once the set is done (or failed).
(function () {
  "use strict";
  var box = document.getElementById("render-progress");
  if (!box || !box.dataset.progressUrl || box.dataset.finished === "yes") {
    return;
  }
  var bar = box.querySelector(".progress-bar");
  var label = document.getElementById("render-label");
  var list = document.getElementById("render-documents");

  function show(progress) {
    var percent = Math.max(0, Math.min(100, progress.percent || 0));
    bar.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    bar.textContent = percent + "%";
    label.textContent = box.dataset.label.replace("{done}", String(progress.done))
      .replace("{total}", String(progress.total));
    var badges = list ? list.querySelectorAll("[data-ready]") : [];
    progress.documents.forEach(function (item, index) {
      var badge = badges[index];
      if (badge && item.ready && badge.dataset.ready !== "yes") {
        badge.dataset.ready = "yes";
        badge.className = "badge text-bg-success";
        badge.textContent = box.dataset.readyLabel || "✓";
      }
    });
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
          bar.classList.remove("progress-bar-striped", "progress-bar-animated");
          box.dataset.finished = "yes";
          if (progress.status === "failed") {
            window.location.reload();
          }
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
