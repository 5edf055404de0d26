// The queue's "choose all on this page": a help for long pages. Without JavaScript the box stays hidden
// and each row's own checkbox still goes with the bulk form.
(function () {
  function rowBoxes() {
    return document.querySelectorAll('input[name="advisories"][form="queue-bulk"]');
  }

  function sync() {
    var all = document.getElementById("queue-select-all");
    if (!all) {
      return;
    }
    all.closest(".absence-select-all").hidden = false;
    var boxes = rowBoxes();
    var checked = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        checked += 1;
      }
    });
    all.checked = boxes.length > 0 && checked === boxes.length;
    all.indeterminate = checked > 0 && checked < boxes.length;
    all.classList.toggle("mixed", all.indeterminate);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "queue-select-all") {
      rowBoxes().forEach(function (box) {
        box.checked = target.checked;
      });
      sync();
    } else if (target.name === "advisories" && target.getAttribute("form") === "queue-bulk") {
      sync();
    }
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSwap", sync);
})();
