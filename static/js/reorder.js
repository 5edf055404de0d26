// Progressive enhancement: drag and drop for a list marked data-reorder-form="FORM-ID". Items carry
// data-reorder-id and a data-reorder-handle to grab. On drop the new order is posted through that
// form (hidden inputs named "order"), which htmx submits; the move buttons remain for keyboards.
(function () {
  function enhance(list) {
    if (list.dataset.reorderReady) {
      return;
    }
    list.dataset.reorderReady = "1";
    list.classList.add("is-reorderable");
    var dragged = null;
    var grabbed = false;
    var before = "";
    function order() {
      return Array.prototype.map.call(list.querySelectorAll(":scope > [data-reorder-id]"), function (li) {
        return li.dataset.reorderId;
      });
    }
    Array.prototype.forEach.call(list.querySelectorAll(":scope > [data-reorder-id]"), function (li) {
      li.setAttribute("draggable", "true");
    });
    list.addEventListener("mousedown", function (event) {
      grabbed = Boolean(event.target.closest("[data-reorder-handle]"));
    });
    list.addEventListener("dragstart", function (event) {
      var li = event.target.closest && event.target.closest("[data-reorder-id]");
      if (!li || !grabbed) {
        event.preventDefault();
        return;
      }
      dragged = li;
      before = order().join(",");
      li.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", li.dataset.reorderId);
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) {
        return;
      }
      event.preventDefault();
      var over = event.target.closest("[data-reorder-id]");
      if (!over || over === dragged || over.parentNode !== list) {
        return;
      }
      var box = over.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY < box.top + box.height / 2 ? over : over.nextSibling);
    });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
    });
    list.addEventListener("dragend", function () {
      if (!dragged) {
        return;
      }
      dragged.classList.remove("is-dragging");
      dragged = null;
      var now = order();
      if (now.join(",") === before) {
        return;
      }
      var form = document.getElementById(list.dataset.reorderForm);
      Array.prototype.forEach.call(form.querySelectorAll("input[name=order]"), function (input) {
        input.remove();
      });
      now.forEach(function (id) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "order";
        input.value = id;
        form.appendChild(input);
      });
      form.requestSubmit();
    });
  }
  function scan(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-reorder-form]"), enhance);
  }
  // A move button swaps the whole agenda; give the focus back to the same button in the new one.
  var focused = null;
  document.addEventListener("htmx:beforeRequest", function () {
    focused = document.activeElement && document.activeElement.id;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    scan(document);
    var again = focused && document.getElementById(focused);
    if (again && !again.disabled && (document.activeElement === document.body || !document.activeElement)) {
      again.focus();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    scan(document);
  });
})();
