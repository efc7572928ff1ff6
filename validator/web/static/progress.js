// Live progress of the checks on the page: polls /api/checks/ID until each is done (or failed).
"use strict";
(function () {
  var WORDS = {queued: "排队中", running: "检查中", done: "已完成", failed: "出错"};
  function finished(state) { return state === "done" || state === "failed"; }

  function show(element, check) {
    element.dataset.state = check.state;
    element.querySelector(".progress").textContent = WORDS[check.state] + " " + check.files_done + "/" + check.files;
    ["errors", "warnings", "infos"].forEach(function (name) {
      var cell = element.querySelector("." + name);
      if (cell) { cell.textContent = check[name]; }
    });
    check.documents.forEach(function (document_) {
      var row = element.querySelector('[data-document="' + document_.id + '"] .state');
      if (row) { row.textContent = WORDS[document_.state]; }
    });
  }

  function poll(element) {
    fetch("/api/checks/" + element.dataset.check, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (check) {
        if (!check) { return; }
        show(element, check);
        if (!finished(check.state)) {
          setTimeout(function () { poll(element); }, 1000);
        } else if (element.id === "status") {
          location.reload();  // the check's page then shows the report and the downloads
        }
      });
  }

  document.querySelectorAll("[data-check]").forEach(function (element) {
    if (!finished(element.dataset.state)) { poll(element); }
  });
})();
