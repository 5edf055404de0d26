// Start Det Fælles Designsystem's components; htmx needs nothing beyond its meta config.
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
});
document.addEventListener("htmx:afterSwap", function (event) {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init({ scope: event.detail.target });
  }
});
