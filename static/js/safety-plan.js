// The safety plan is filled in, printed, saved and kept entirely in the browser: nothing typed here is
// ever sent anywhere. It is kept (in localStorage, not a cookie) only when the reader asks, because
// phones and computers are often shared. Without JavaScript the page is a blank plan to print.
// Every sentence it shows or saves comes from the page's data-text-* attributes, so the template
// translates them and this file stays the same in every language.
(function () {
  "use strict";

  var KEY = "safety-plan";
  var root = document.querySelector("[data-safety-plan]");
  if (!root) {
    return;
  }
  var fields = Array.prototype.slice.call(root.querySelectorAll("[data-plan-field]"));
  var status = root.querySelector("[data-plan-status]");
  var keeping = false;
  var text = root.dataset;

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage turned off in this browser
    }
  }

  function say(message) {
    status.textContent = message;
  }

  function values() {
    var data = {};
    fields.forEach(function (field) { data[field.id] = field.value; });
    return data;
  }

  function keep() {
    var store = storage();
    try {
      store.setItem(KEY, JSON.stringify(values()));
      return true;
    } catch (error) {
      keeping = false;
      say(text.textCannotKeep);
      return false;
    }
  }

  function forget() {
    var store = storage();
    if (store) {
      store.removeItem(KEY);
    }
    keeping = false;
  }

  function restore() {
    var store = storage();
    var saved = store && store.getItem(KEY);
    if (!saved) {
      return;
    }
    try {
      saved = JSON.parse(saved);
    } catch (error) {
      forget();
      return;
    }
    fields.forEach(function (field) {
      if (typeof saved[field.id] === "string") {
        field.value = saved[field.id];
      }
    });
    keeping = true;
    say(text.textRestored);
  }

  function asText() {
    var lines = [text.textTitle, ""];
    fields.forEach(function (field) {
      lines.push(field.dataset.step);
      lines.push(field.value.trim() || text.textEmpty);
      lines.push("");
    });
    lines.push(text.textFooter);
    return lines.join("\r\n") + "\r\n";
  }

  function download() {
    var url = URL.createObjectURL(new Blob([asText()], { type: "text/plain;charset=utf-8" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = text.textFilename;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    say(text.textSaved);
  }

  var actions = {
    print: function () { window.print(); },
    download: download,
    keep: function () {
      if (keep()) {
        keeping = true;
        say(text.textKept);
      }
    },
    delete: function () {
      forget();
      say(text.textDeleted);
    },
    clear: function () {
      fields.forEach(function (field) { field.value = field.defaultValue; });
      if (keeping) {
        keep();
      }
      say(text.textCleared);
    }
  };

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-plan-action]");
    if (button) {
      actions[button.dataset.planAction]();
    }
  });

  root.addEventListener("input", function () {
    if (keeping) {
      keep();
    }
  });

  restore();
  root.querySelector("[data-plan-tools]").hidden = false;
  root.querySelector("[data-nojs-hint]").hidden = true;
})();
