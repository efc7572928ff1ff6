// Drag and drop onto the upload form; the file input underneath works without this script.
"use strict";
(function () {
  var drop = document.getElementById("drop");
  var input = document.getElementById("files");
  var chosen = document.getElementById("chosen");

  function list() {
    chosen.replaceChildren();
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name;  // text, never markup
      chosen.appendChild(item);
    });
  }

  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    input.files = event.dataTransfer.files;
    list();
  });
  input.addEventListener("change", list);
})();
