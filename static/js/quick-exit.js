// "Leave this site": swap the page for a neutral one so Back does not return here.
// Without JavaScript the control is an ordinary link to the same place.
(function () {
  "use strict";

  var SHIFT_PRESSES = 3;
  var WITHIN_MS = 2000;

  function leave(url) {
    document.documentElement.classList.add("is-leaving");
    window.location.replace(url);
  }

  function exitUrl() {
    var link = document.querySelector("[data-quick-exit]");
    return link ? link.href : null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quick-exit]");
    if (!link) {
      return;
    }
    event.preventDefault();
    leave(link.href);
  });

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) {
      return;
    }
    var now = Date.now();
    presses = presses.filter(function (time) { return now - time < WITHIN_MS; });
    presses.push(now);
    if (presses.length >= SHIFT_PRESSES) {
      var url = exitUrl();
      if (url) {
        leave(url);
      }
    }
  });

  document.documentElement.classList.add("js");
})();
