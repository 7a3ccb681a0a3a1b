/* Uploads with a progress bar.
 *
 * A form marked data-upload-progress is sent with XMLHttpRequest, so the browser can
 * report how much of the file has gone. Inside the form:
 *   [data-progress]      a Bootstrap .progress (its .progress-bar shows the percentage)
 *   [data-upload-error]  where a refusal is shown
 * On the form:
 *   data-max-bytes       larger files are refused at once, before anything is sent
 *   data-too-large, data-failed   the messages, in the page's language
 * The server answers JSON to such a request (it sends X-Requested-With): {redirect}
 * when done, {detail} when refused. Without JavaScript the form posts as usual.
 */
(function () {
  "use strict";

  function show(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  function setProgress(box, percent) {
    var bar = box.querySelector(".progress-bar");
    box.hidden = false;
    box.setAttribute("aria-valuenow", String(percent));
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
  }

  function detailOf(request, form) {
    try {
      var body = JSON.parse(request.responseText);
      if (body && body.detail) { return body.detail; }
    } catch (ignored) { /* not JSON: an HTML error page (e.g. 413 from the server) */ }
    if (request.status === 413) { return form.dataset.tooLarge; }
    return form.dataset.failed + " (" + request.status + ")";
  }

  // Going to the page we are on with another #anchor only scrolls: reload it instead,
  // so the new file shows.
  function goTo(address) {
    var target = new URL(address, window.location.href);
    var here = window.location;
    if (target.pathname === here.pathname && target.search === here.search) {
      here.hash = target.hash;
      here.reload();
    } else {
      here.assign(target.href);
    }
  }

  function send(form, event) {
    var input = form.querySelector("input[type=file]");
    var progress = form.querySelector("[data-progress]");
    var error = form.querySelector("[data-upload-error]");
    var button = form.querySelector("[type=submit]");
    var limit = parseInt(form.dataset.maxBytes || "0", 10);
    var file = input && input.files && input.files[0];
    event.preventDefault();
    show(error, "");
    if (!file) { input.reportValidity && input.reportValidity(); return; }
    if (limit && file.size > limit) { show(error, form.dataset.tooLarge); return; }

    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { setProgress(progress, Math.round(e.loaded * 100 / e.total)); }
    });
    request.addEventListener("load", function () {
      if (request.status >= 200 && request.status < 300) {
        setProgress(progress, 100);
        var body = {};
        try { body = JSON.parse(request.responseText); } catch (ignored) { /* reload */ }
        goTo(body.redirect || window.location.href);
        return;
      }
      progress.hidden = true;
      button.disabled = false;
      show(error, detailOf(request, form));
    });
    request.addEventListener("error", function () {
      progress.hidden = true;
      button.disabled = false;
      show(error, form.dataset.failed);
    });
    button.disabled = true;
    setProgress(progress, 0);
    request.send(new FormData(form));
  }

  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    form.addEventListener("submit", function (event) { send(form, event); });
  });
}());
