// The bell in the navigation bar: every few seconds it asks the server for its menu
// (GET /notifications/bell, rendered in the page's language) and, when the number of
// unread notifications changed, shows the new count and the newest notifications.
(function () {
  "use strict";
  const bell = document.getElementById("notification-bell");
  if (!bell || !window.fetch) {
    return;
  }
  const seconds = Math.max(Number(bell.dataset.pollSeconds) || 30, 1);

  function unreadOf(element) {
    const toggle = element.querySelector("#notification-bell-toggle");
    return toggle ? toggle.dataset.unread : null;
  }

  async function refresh() {
    if (document.hidden) {
      return;
    }
    try {
      const response = await fetch(bell.dataset.url, {
        credentials: "same-origin", headers: {"Accept": "text/html"}, redirect: "error"});
      if (!response.ok) {
        return;
      }
      const fresh = document.createElement("div");
      fresh.innerHTML = await response.text();
      const open = bell.querySelector(".dropdown-menu.show");
      if (unreadOf(fresh) !== null && unreadOf(fresh) !== unreadOf(bell) && !open) {
        bell.replaceChildren(...fresh.childNodes);
      }
    } catch (error) {
      // Offline for a moment, or logged out: the next round tries again.
    }
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
