// The shipment page's timeline: every few seconds it asks the server for the events
// (GET /fulfillment/shipments/<id>/timeline.json) and shows the ones it lacks, so the
// buyer sees the supplier's updates without reloading.
(function () {
  "use strict";
  const timeline = document.getElementById("timeline");
  const badge = document.getElementById("shipment-status");
  if (!timeline || !window.fetch) {
    return;
  }
  const seconds = Math.max(Number(timeline.dataset.pollSeconds) || 5, 1);

  function item(event) {
    const li = document.createElement("li");
    li.className = "list-group-item";
    li.dataset.event = event.id;
    const title = document.createElement("strong");
    title.textContent = event.label;
    const when = document.createElement("span");
    when.className = "text-muted small";
    const at = event.at.replace("T", " ").slice(0, 16);
    when.textContent = " " + at + " UTC" + (event.location ? " · " + event.location : "");
    li.append(title, when);
    if (event.note) {
      const note = document.createElement("div");
      note.className = "small";
      note.textContent = event.note;
      li.append(note);
    }
    return li;
  }

  async function refresh() {
    if (document.hidden) {
      return;
    }
    try {
      const response = await fetch(timeline.dataset.url, {
        credentials: "same-origin", headers: {"Accept": "application/json"}, redirect: "error"});
      if (!response.ok) {
        return;
      }
      const body = await response.json();
      const shown = new Set(Array.from(timeline.children, (li) => li.dataset.event));
      for (const event of body.events) {
        if (!shown.has(String(event.id))) {
          timeline.append(item(event));
        }
      }
      if (badge) {
        badge.textContent = body.label;
      }
    } catch (error) {
      // Offline for a moment: the next round tries again.
    }
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
