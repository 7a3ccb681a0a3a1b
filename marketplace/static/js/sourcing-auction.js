// The reverse auction page: a countdown against the server's clock, and the standing
// (rank, own bid, best bid where shown, the end with its extensions, the buyer's ranking)
// polled every two seconds from GET /api/v1/auctions/{id}/standing.
(function () {
  "use strict";
  const root = document.getElementById("auction");
  if (!root) {
    return;
  }
  const badge = document.getElementById("countdown");
  let endsAt = Date.parse(badge.dataset.endsAt);
  const startsAt = Date.parse(badge.dataset.startsAt);
  let offset = Date.parse(badge.dataset.serverTime) - Date.now();
  let state = root.dataset.state;
  const labels = JSON.parse(document.getElementById("state").dataset.labels);
  function pad(n) { return String(n).padStart(2, "0"); }
  function money(value) {
    if (value === null || value === undefined) { return "–"; }
    return Number(value).toLocaleString("en-US", {minimumFractionDigits: 2,
                                                   maximumFractionDigits: 2});
  }
  function set(id, text) {
    const node = document.getElementById(id);
    if (node && node.textContent !== String(text)) {
      node.textContent = text;
      node.classList.add("text-primary");
    }
  }
  function tick() {
    const now = Date.now() + offset;
    const target = now < startsAt ? startsAt : endsAt;
    const left = Math.max(0, Math.floor((target - now) / 1000));
    if (now >= endsAt) {
      badge.textContent = root.dataset.closedText;
    } else {
      const days = Math.floor(left / 86400);
      const rest = left % 86400;
      badge.textContent = (now < startsAt ? root.dataset.startsText + " " : "") +
        (days ? days + "d " : "") + pad(Math.floor(rest / 3600)) + ":" +
        pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
    }
  }
  function row(cells) {
    const tr = document.createElement("tr");
    cells.forEach(function (cell, index) {
      const td = document.createElement("td");
      td.textContent = cell;
      if (index >= 2) { td.className = "text-end"; }
      tr.appendChild(td);
    });
    return tr;
  }
  function show(s) {
    offset = Date.parse(s.server_time) - Date.now();
    endsAt = Date.parse(s.ends_at);
    set("ends-at", s.ends_at.replace("T", " ").slice(0, 19));
    const extended = document.getElementById("extended");
    if (extended) { extended.hidden = !s.extensions; }
    set("state", labels[s.state] || s.state);
    set("rank", s.your_rank || "–");
    set("your-amount", money(s.your_amount));
    set("best-amount", money(s.best_amount));
    set("highest-allowed", money(s.highest_allowed));
    if (s.ranking) {
      set("bid-count", s.bid_count);
      const body = document.querySelector("#ranking tbody");
      body.replaceChildren.apply(body, s.ranking.map(function (r) {
        return row([r.rank || "–", r.supplier_name, money(r.amount), r.bids]);
      }));
    }
    if (s.state !== state && (s.state === "closed" || state === "scheduled")) {
      window.location.reload();  // the bid form opens, or the award appears
    }
    state = s.state;
  }
  function poll() {
    fetch(root.dataset.standing, {credentials: "same-origin",
                                  headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (s) { if (s) { show(s); } })
      .catch(function () { /* the next round tries again */ })
      .finally(function () {
        if (state !== "closed") { window.setTimeout(poll, 2000); }
      });
  }
  window.setInterval(tick, 1000);
  tick();
  window.setTimeout(poll, 2000);
}());
