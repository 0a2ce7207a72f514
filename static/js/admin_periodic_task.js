/*
 * The admin's periodic task form (django-celery-beat): under the crontab field, says in words
 * when the chosen schedule runs. The library does this in an inline script, which the
 * Content-Security-Policy does not run.
 */
(function () {
  "use strict";

  var script = document.getElementById("periodic-task-overrides");
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  var help = document.querySelector(".field-crontab .help");
  var translation = document.querySelector(".field-crontab_translation");
  if (translation) {
    translation.hidden = true;
  }
  if (!script || !data || !select || !help) {
    return;
  }
  var readable = JSON.parse(data.textContent);
  var original = script.dataset.crontabHelp || "";

  select.addEventListener("change", function () {
    help.textContent = original;
    help.appendChild(document.createElement("br"));
    help.appendChild(document.createTextNode("Translation: " + (readable[select.value] || "")));
  });
})();
