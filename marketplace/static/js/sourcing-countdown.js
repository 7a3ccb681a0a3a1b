// The sealed rfq's countdown: the time left until its closing time, every second.
(function () {
  "use strict";
  const badge = document.getElementById("countdown");
  if (!badge) {
    return;
  }
  const closes = Date.parse(badge.dataset.closesAt);
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    const left = Math.max(0, Math.floor((closes - Date.now()) / 1000));
    if (left === 0) {
      badge.textContent = badge.dataset.done;
      return;
    }
    const days = Math.floor(left / 86400);
    const rest = left % 86400;
    const text = (days ? days + "d " : "") + pad(Math.floor(rest / 3600)) + ":" +
      pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
    badge.textContent = text;
    window.setTimeout(tick, 1000);
  }
  tick();
}());
