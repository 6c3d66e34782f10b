// The safety plan is filled in, printed, saved and kept entirely in the browser: nothing typed here is
// ever sent anywhere. It is kept (in localStorage, not a cookie) only when the reader asks, because
// phones and computers are often shared. Without JavaScript the page is a blank plan to print.
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
      say("This browser cannot keep your plan (storage may be turned off). Print it or save it as a file instead.");
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
    say("Your plan was opened from this browser on this device. Changes are kept too, until you press “Delete from this device”.");
  }

  function asText() {
    var lines = ["MY SAFETY PLAN", ""];
    fields.forEach(function (field) {
      lines.push(field.dataset.step);
      lines.push(field.value.trim() || "(not filled in yet)");
      lines.push("");
    });
    lines.push("If you are in danger, call 911. To talk to someone, call or text 988, any time.");
    return lines.join("\r\n") + "\r\n";
  }

  function download() {
    var url = URL.createObjectURL(new Blob([asText()], { type: "text/plain;charset=utf-8" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = "my-safety-plan.txt";
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    say("Your plan was saved as a file called my-safety-plan.txt, in your downloads.");
  }

  var actions = {
    print: function () { window.print(); },
    download: download,
    keep: function () {
      if (keep()) {
        keeping = true;
        say("Kept in this browser on this device, until you press “Delete from this device”. Changes you make are kept too.");
      }
    },
    delete: function () {
      forget();
      say("Deleted from this device. Your plan is still on this screen until you leave this page or clear the form.");
    },
    clear: function () {
      fields.forEach(function (field) { field.value = field.defaultValue; });
      if (keeping) {
        keep();
      }
      say("The form is cleared.");
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
